import { toHex } from '../../core/encoding/bytes.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { groupPublicKey, type FrostKeyPackage } from '../../core/crypto/frost.ts';
import { authorityNamespace, type DeviceId, type PhysicalTime } from '../../core/ids.ts';
import { currentTree, waitingAtHead, type WaitingOp } from '../../core/reduce/tree/tree-reducer.ts';
import { activeDevices, type TreeState } from '../../core/reduce/tree/tree-state.ts';
import { NodeError } from '../api.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { WitnessGroupChannel } from '../witness/group-channel.ts';
import { AccountConsensus } from './account-consensus.ts';
import { awaitingAttestation } from '../../core/authz/maintenance-rules.ts';
import { saveGroupKey } from '../witness/group-keys.ts';
import { WitnessModule } from '../witness/witness-module.ts';
import { writeTreeOp } from './tree-write.ts';


/** A threshold change as the Account screen shows it. */
export interface PolicyChange {
  readonly threshold: number;
  readonly participants: readonly DeviceId[];
  readonly state: 'KeyGeneration' | 'Committing' | 'Committed' | 'Aborted';
  readonly reason: string | null;
  readonly startedAt: PhysicalTime;
}

/**
 * The authority's threshold policy (DESIGN §2, §6): "Set threshold" runs a DKG among all its devices on the
 * account's sealed consensus topic, keeps each device's key package, and records the group key in an
 * UpdatePolicy tree op. At t ≥ 2 every tree op waits (PendingEpoch) until the devices' consensus attests it.
 */
export class ThresholdModule extends WitnessModule {
  private change: PolicyChange | null = null;
  private readonly channel: WitnessGroupChannel;
  private readonly consensus: AccountConsensus;
  constructor(host: NodeHost, membership: MembershipModule) {
    super(host);
    this.consensus = new AccountConsensus(host, (to, body) => this.channel.send(to, body));
    this.channel = new WitnessGroupChannel({
      host,
      tag: 'account',
      purpose: 'account-consensus',
      context: () => host.identity()?.authorityId,
      secret: () => {
        const me = host.identity();
        return me ? membership.secretsView().get(me.authorityId) : undefined;
      },
      participants: () => activeDevices(this.head()),
      began: (participants, threshold) => {
        this.change = { threshold, participants, state: 'KeyGeneration', reason: null, startedAt: host.deps.now() };
        host.changed();
      },
      keyReady: (key, initiator) => this.keyReady(key, initiator),
      failed: (reason) => this.ended('Aborted', reason),
      consensus: (from, bytes) => {
        this.consensus.receive(from, bytes);
        // New nonces may make a proposal possible that was not (a witness just came back): try now, not next tick.
        queueMicrotask(() => this.refresh());
      },
    });
  }

  protected stopped(): void {
    this.channel.stop();
  }

  applied(f: ValidatedFact): void {
    const me = this.host.identity();
    if (me && f.fact.ns === authorityNamespace(me.authorityId)) queueMicrotask(() => this.refresh());
  }

  policyChange(): PolicyChange | null {
    return this.change;
  }

  /** Tree ops on the head still waiting for the devices' attestation (PendingEpoch). */
  pendingOps(): readonly WaitingOp[] {
    const me = this.host.identity();
    const tree = me && this.host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
    // Not cached: `applied` asks for it before the write that applied the op has marked the data changed.
    return tree ? waitingAtHead(tree) : [];
  }

  /** t = 1 is one device's word; t ≥ 2 first runs a DKG among every device of the account. */
  async setThreshold(threshold: number): Promise<void> {
    const head = this.head();
    const devices = activeDevices(head);
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > devices.length) throw new NodeError('InvalidInput', `A threshold is 1 to ${devices.length}.`);
    if (this.channel.running) throw new NodeError('CeremonyRunning', 'A threshold change is already running.');
    if (threshold === 1) {
      await writeTreeOp(this.host, { type: 'UpdatePolicy', threshold: 1 });
      return;
    }
    this.channel.startDkg(devices, threshold);
  }

  private head(): TreeState {
    const me = this.host.requireIdentity();
    const tree = this.host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
    const head = tree && currentTree(tree);
    if (!head) throw new NodeError('NoIdentity', 'The tree of this identity is missing.');
    return head;
  }

  private async keyReady(key: FrostKeyPackage, initiator: boolean): Promise<void> {
    const groupKey = toHex(groupPublicKey(key.public));
    try {
      await saveGroupKey(this.host.deps.store, groupKey, key);
      this.keys.set(groupKey, key);
      this.ended('Committing', null);
      if (initiator) await writeTreeOp(this.host, { type: 'UpdatePolicy', threshold: key.public.signers.min, groupKey });
      this.refresh();
    } catch (e) {
      this.ended('Aborted', `could not record the key: ${(e as Error).message}`);
    }
  }

  private ended(state: PolicyChange['state'], reason: string | null): void {
    if (this.change) this.change = { ...this.change, state, reason };
    this.host.changed();
  }

  private refresh(): void {
    if (this.host.closed || !this.host.identity()) return;
    this.channel.open();
    const head = this.head();
    if (this.change?.state === 'Committing' && head.groupKey !== null && this.keys.has(head.groupKey)) this.ended('Committed', null);
    const key = head.groupKey === null ? undefined : this.keys.get(head.groupKey);
    const st = this.host.journals.get(authorityNamespace(this.host.requireIdentity().authorityId))!.state;
    const ops = this.pendingOps().map((op) => ({ id: op.id, device: op.device, consensusId: `tree:${op.id}` }));
    this.consensus.update(head, key, [...ops, ...awaitingAttestation(st, head.commitment)]);
  }

  protected tick(): void {
    this.channel.tick();
    this.consensus.reannounce();
    this.refresh();
  }
}
