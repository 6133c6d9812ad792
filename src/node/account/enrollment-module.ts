import type { ValidatedFact } from '../../core/facts/fact.ts';
import { authorityNamespace, type AuthorityId, type DeviceId } from '../../core/ids.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import { leafIndexOf } from '../../core/reduce/tree/tree-state.ts';
import { applyTreeOp } from '../../core/reduce/tree/apply-op.ts';
import { ABORT_REASONS, type EnrollmentCeremony } from '../../core/rendezvous/enrollment.ts';
import type { EnrollmentContent } from '../../core/rendezvous/enrollment-package.ts';
import { EnrollmentInitiator } from '../../protocols/rendezvous/enrollment-initiator.ts';
import { EnrollmentJoiner } from '../../protocols/rendezvous/enrollment-joiner.ts';
import type { EnrollmentRun } from '../../protocols/rendezvous/enrollment-joiner.ts';
import { CeremonyRuns, enteredCode } from '../host/ceremony-runs.ts';
import { NodeError, type DevicesApi } from '../api.ts';
import { writeTreeOp } from './tree-write.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';

const REMOVE_REFUSALS: Partial<Record<string, string>> = {
  ThresholdTooHigh: 'Lower the threshold first: the devices left must still be able to sign.',
  UnknownDevice: 'That device is not in this account.',
  LastDevice: 'An account keeps at least one device.',
};

/**
 * Devices of one person (DESIGN §2, §7): "Add a device" runs the enrollment ceremony's initiator side here;
 * "This is another device of mine" runs the joiner side on a device without an identity. Ceremonies live in
 * memory (a reload abandons one: the other side times out) and are listed with their CeremonyStatus.
 */
export class EnrollmentModule implements NodeModule, DevicesApi {
  private readonly runs: CeremonyRuns<EnrollmentCeremony, EnrollmentRun>;
  /** Devices whose AddLeaf we wrote, until it applies (at t ≥ 2, once the devices' consensus attests it). */
  private readonly awaitingLeaf = new Map<DeviceId, () => void>();
  /** Devices whose RemoveLeaf we wrote, until it applies. */
  private readonly awaitingRemoval = new Map<DeviceId, () => void>();

  constructor(
    private readonly host: NodeHost & { becomeIdentity(authority: AuthorityId, displayName: string): Promise<void>; syncNow(): Promise<void> },
    private readonly membership: MembershipModule,
  ) {
    this.runs = new CeremonyRuns(host);
  }

  ceremonies(): readonly EnrollmentCeremony[] {
    return this.runs.list();
  }

  addDevice(): EnrollmentCeremony {
    this.host.requireIdentity();
    if (!this.host.deps.transport) throw new NodeError('Offline', 'Adding a device needs the network.');
    const run: EnrollmentInitiator = new EnrollmentInitiator(
      { ...this.runs.deps(() => run), displayName: this.membership.ownName() },
      { content: () => this.content(), admit: (device) => this.admit(device) },
    );
    for (const other of this.runs.values()) if (other.state.role === 'initiator') other.step({ type: 'superseded', by: run.state.id });
    return this.runs.begin(run);
  }

  enrollWithCode(text: string): EnrollmentCeremony {
    this.host.assertOpen();
    if (this.host.identity()) throw new NodeError('IdentityExists', 'This device already has an identity.');
    if (!this.host.deps.transport) throw new NodeError('Offline', 'Joining your other device needs the network.');
    const code = enteredCode(this.host, text, 'enroll', 'That code is not for adding a device.');
    for (const r of this.runs.values()) if (r.state.role === 'joiner') throw new NodeError('CeremonyRunning', 'This device is already joining another one.');
    const run: EnrollmentJoiner = new EnrollmentJoiner(
      { ...this.runs.deps(() => run), code },
      { adopt: (c) => this.adopt(c), committedLeaf: (a) => this.committedLeaf(a), finish: (c) => this.finish(c) },
    );
    return this.runs.begin(run);
  }

  /**
   * Removes another device of this account (RemoveLeaf, then RotateEpoch; at t ≥ 2 each waits for the devices'
   * attestation). Once applied, this device carries the new tree into every context, where the removed device
   * is then refused.
   */
  async removeDevice(device: DeviceId): Promise<void> {
    const tree = this.host.journals.get(authorityNamespace(this.host.requireIdentity().authorityId))!.state.tree;
    const head = currentTree(tree)!;
    if (device === this.host.key.deviceId) throw new NodeError('InvalidInput', 'Remove this device from another one of your devices.');
    const why = applyTreeOp(head, this.host.key.deviceId, { type: 'RemoveLeaf', device });
    if (typeof why === 'string') throw new NodeError('InvalidInput', REMOVE_REFUSALS[why] ?? why);
    const removed = new Promise<void>((resolve) => this.awaitingRemoval.set(device, resolve));
    await writeTreeOp(this.host, { type: 'RemoveLeaf', device });
    // Once it applies: a new epoch (every commitment changes), then the new tree into every context.
    void (this.isLeaf(device) ? removed : Promise.resolve())
      .then(() => writeTreeOp(this.host, { type: 'RotateEpoch' }))
      .then(() => this.membership.announceTree())
      .catch(() => this.host.countDrop('remove:AnnounceFailed'));
  }

  cancel(id: string): void {
    this.runs.get(id)?.step({ type: 'abort', reason: ABORT_REASONS.cancelled, at: this.host.deps.now() });
  }

  applied(f: ValidatedFact): void {
    if ((f.fact.kind !== 'tree.op' && f.fact.kind !== 'consensus.commit') || this.runs.size === 0) return;
    queueMicrotask(() => {
      for (const r of this.runs.values()) if (r instanceof EnrollmentJoiner) r.treeChanged();
      for (const [device, resolve] of this.awaitingLeaf) if (this.isLeaf(device)) resolve();
      for (const [device, resolve] of this.awaitingRemoval) if (!this.isLeaf(device)) resolve();
    });
  }

  async stop(): Promise<void> {
    this.runs.stop();
  }

  private content(): EnrollmentContent {
    const authority = this.host.requireIdentity().authorityId;
    const head = currentTree(this.host.journals.get(authorityNamespace(authority))!.state.tree)!;
    return { authority, epoch: head.epoch, secrets: [...this.membership.secretsView()].sort(([a], [b]) => (a < b ? -1 : 1)) };
  }

  /** The AddLeaf, signed by this device (t = 1) and announced to the authority's devices. */
  private async admit(device: DeviceId): Promise<{ treeOp: string; epoch: number }> {
    // Already a leaf (a re-enrollment): nothing to write, and the op that added it is the commit.
    if (this.isLeaf(device)) return this.committedLeaf(this.host.requireIdentity().authorityId, device)!;
    const applied = new Promise<void>((resolve) => this.awaitingLeaf.set(device, resolve));
    const written = await writeTreeOp(this.host, { type: 'AddLeaf', device, role: 'device' });
    // The new device holds the journal's secret now: bring it the genesis and the op without waiting a round.
    void this.host.syncNow().catch(() => this.host.countDrop('enroll:SyncFailed'));
    if (!this.isLeaf(device)) await applied;
    this.awaitingLeaf.delete(device);
    return written;
  }

  private isLeaf(device: DeviceId): boolean {
    const tree = this.host.journals.get(authorityNamespace(this.host.requireIdentity().authorityId))?.state.tree;
    const head = tree && currentTree(tree);
    return head !== null && head !== undefined && leafIndexOf(head, device) >= 0;
  }

  private adopt(content: EnrollmentContent): Promise<void> {
    const secret = content.secrets.find(([c]) => c === content.authority)![1];
    return this.membership.adoptSecret(content.authority, secret);
  }

  private committedLeaf(authority: AuthorityId, device = this.host.key.deviceId): { treeOp: string; epoch: number } | null {
    const tree = this.host.journals.get(authorityNamespace(authority))?.state.tree;
    const head = tree && currentTree(tree);
    if (!head || leafIndexOf(head, device) < 0 || head.leaves[leafIndexOf(head, device)]?.role !== 'device') return null;
    return { treeOp: tree.applied[tree.applied.length - 1] ?? tree.genesis!, epoch: head.epoch };
  }

  /** Becomes the authority here, then joins each of its contexts with a binding proving this device. */
  private async finish(content: EnrollmentContent): Promise<void> {
    const genesis = [...(this.host.journals.get(authorityNamespace(content.authority))?.facts.values() ?? [])].find((f) => f.fact.kind === 'authority.genesis');
    const name = (genesis?.fact.body as { name?: string } | undefined)?.name ?? 'me';
    await this.host.becomeIdentity(content.authority, name);
    for (const [context, secret] of content.secrets) if (context !== content.authority) await this.membership.joinContext(context, secret);
    void this.host.syncNow().catch(() => this.host.countDrop('enroll:SyncFailed'));
  }
}
