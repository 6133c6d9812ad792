import { maintenanceConsensusId } from '../../core/authz/maintenance-rules.ts';
import type { CeremonyState } from '../../core/consistency/ceremony-status.ts';
import { authorityNamespace, type DeviceId, type Epoch, type FactId, type Namespace } from '../../core/ids.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { activeProtocolVersion } from '../../core/reduce/maintenance.ts';
import type { NamespaceState } from '../../core/reduce/namespace-reducer.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import { compareVersions, formatVersion, PROTOCOL_VERSION, type ProtocolVersion } from '../../core/version.ts';
import type { VersionPolicy } from '../../protocols/sync/sync-host.ts';
import type { VersionFailure } from '../../protocols/sync/version-gate.ts';
import { writeAccountFact, writeTreeOp } from '../account/tree-write.ts';
import { NodeError } from '../api.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';

export interface Activation {
  readonly id: FactId;
  readonly packageId: string;
  readonly toVersion: ProtocolVersion;
  readonly activationFence: Epoch;
  /** Committed once it counts (one device's signature at t = 1, the devices' commit at t ≥ 2); else waiting. */
  readonly state: CeremonyState;
}

export interface UpgradesView {
  /** What this device runs (a lab build may run as an older one). */
  readonly version: ProtocolVersion;
  /** The least version the account requires now, or null before any fence is reached. */
  readonly required: ProtocolVersion | null;
  readonly outdated: boolean;
  readonly epoch: Epoch;
  readonly activations: readonly Activation[];
  /** What each peer device advertised when a session last opened (claims, not proofs). */
  readonly peers: readonly { readonly device: DeviceId; readonly version: ProtocolVersion }[];
}

/**
 * Upgrades (spec 004 §4, DESIGN §8): activating an upgrade as the account's decision, the version this
 * device runs and requires of peers (the sync session's gate), and what peers advertised.
 */
export class UpgradesModule implements NodeModule, VersionPolicy {
  private readonly claims = new Map<DeviceId, ProtocolVersion>();
  /** Every session opening asks twice; recomputed only after a fact of this authority's journal arrives. */
  private required: ProtocolVersion | null | undefined;

  constructor(private readonly host: NodeHost) {}

  /** A fact of the account's journal (an activation, a tree op, a commit releasing one) may move the fence. */
  applied(f: ValidatedFact): void {
    if (f.fact.ns === this.accountNs()) this.required = undefined;
  }

  version(): ProtocolVersion {
    return this.host.deps.protocolVersion ?? PROTOCOL_VERSION;
  }

  /** Read from this authority's journal: the highest version activated at a fence its tree epoch reached. */
  requiredVersion(): ProtocolVersion | null {
    if (this.required !== undefined) return this.required;
    const st = this.account();
    const head = st && currentTree(st.tree);
    // Not cached before the identity exists: the journal it will read is not there yet.
    if (!st || !head) return null;
    return (this.required = activeProtocolVersion(st.maintenance, head.epoch));
  }

  peerVersion(peer: DeviceId, v: ProtocolVersion): void {
    const old = this.claims.get(peer);
    this.claims.set(peer, v);
    if (old === undefined || compareVersions(old, v) !== 0) this.host.changed(false);
  }

  refusedVersion(_peer: DeviceId, failure: VersionFailure): void {
    this.host.countDrop(`upgrade:${failure}`);
  }

  /**
   * Proposes `toVersion` from the next epoch on (or at `fence`). Only a device that runs it may propose it:
   * the account must not require what its proposer cannot speak. Signed over the current tree state.
   */
  async activate(toVersion: ProtocolVersion, fence?: Epoch): Promise<FactId> {
    const st = this.account();
    const head = st && currentTree(st.tree);
    if (!head) throw new NodeError('NoIdentity', 'Create an identity first.');
    if (compareVersions(toVersion, this.version()) > 0) throw new NodeError('InvalidInput', `This device runs ${formatVersion(this.version())}; it cannot activate ${formatVersion(toVersion)}.`);
    const activationFence = fence ?? head.epoch + 1;
    if (activationFence < head.epoch) throw new NodeError('InvalidInput', `The fence must be epoch ${head.epoch} or later.`);
    const packageId = `aura-web-${formatVersion(toVersion)}`;
    return writeAccountFact(this.host, 'maint.upgradeActivated', { packageId, toVersion, activationFence, prestate: head.commitment });
  }

  /** Moves the identity epoch on (RotateEpoch): what brings a fence set for the next epoch into force. */
  async rotateEpoch(): Promise<FactId> {
    return (await writeTreeOp(this.host, { type: 'RotateEpoch' })).treeOp;
  }

  view(): UpgradesView | null {
    const st = this.account();
    const head = st && currentTree(st.tree);
    if (!st || !head) return null;
    const required = this.requiredVersion();
    return {
      version: this.version(),
      required,
      outdated: required !== null && compareVersions(this.version(), required) < 0,
      epoch: head.epoch,
      activations: this.activations(st, head.threshold),
      peers: [...this.claims].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([device, version]) => ({ device, version })),
    };
  }

  private activations(st: NamespaceState, threshold: number): Activation[] {
    const counted = [...st.maintenance.upgrades.values()];
    const waiting = [...st.authz.held.values()].flatMap((m) => [...m.values()]).filter((f) => f.fact.kind === 'maint.upgradeActivated');
    const all = [...counted.map((f) => ({ f, done: true })), ...waiting.map((f) => ({ f, done: false }))];
    return all
      .map(({ f, done }) => {
        const body = (f as (typeof counted)[number]).fact.body;
        const state: CeremonyState = done
          ? { type: 'Committed', consensusId: maintenanceConsensusId(f.id), committedAt: f.fact.time.wall }
          : { type: 'PendingEpoch', pendingEpoch: body.activationFence, requiredResponses: threshold, receivedResponses: 0 };
        return { id: f.id, packageId: body.packageId, toVersion: body.toVersion, activationFence: body.activationFence, state };
      })
      .sort((a, b) => a.activationFence - b.activationFence || compareVersions(a.toVersion, b.toVersion) || (a.id < b.id ? -1 : 1));
  }

  private accountNs(): Namespace | undefined {
    const me = this.host.identity();
    return me ? authorityNamespace(me.authorityId) : undefined;
  }

  private account(): NamespaceState | undefined {
    const ns = this.accountNs();
    return ns ? this.host.journals.get(ns)?.state : undefined;
  }
}
