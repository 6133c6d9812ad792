import { toHex } from '../../core/encoding/bytes.ts';
import { AuraError } from '../../core/errors.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { groupPublicKey, type FrostKeyPackage } from '../../core/crypto/frost.ts';
import { authorityNamespace, type DeviceId, type PhysicalTime } from '../../core/ids.ts';
import { currentTree, waitingAtHead, type WaitingOp } from '../../core/reduce/tree/tree-reducer.ts';
import { activeDevices, type TreeState } from '../../core/reduce/tree/tree-state.ts';
import { SealedTopic } from '../../net/sealed-topic.ts';
import { DkgSession } from '../../protocols/consensus/dkg-session.ts';
import { decodeGroupMessage, encodeGroupMessage, type GroupBody } from '../../protocols/consensus/group-wire.ts';
import { NodeError } from '../api.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { AccountConsensus } from './account-consensus.ts';
import { loadGroupKeys, saveGroupKey } from './group-keys.ts';
import { writeTreeOp } from './tree-write.ts';

/** DESIGN §7: a threshold change waits this long for every device's part of the DKG. */
export const DKG_TIMEOUT_MS = 45_000;
const TICK_MS = 2_000;
const EARLY_MAX = 64;

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
export class ThresholdModule implements NodeModule {
  private topic: SealedTopic | null = null;
  private keys = new Map<string, FrostKeyPackage>();
  /** The running DKG; the initiator keeps its start to send again, for a device that was not listening yet. */
  private dkg: { session: DkgSession; start: GroupBody | null; deadline: PhysicalTime } | null = null;
  private change: PolicyChange | null = null;
  private readonly early: [DeviceId, GroupBody][] = [];
  /** DKG ids this device has taken part in. */
  private readonly seen = new Set<string>();
  private readonly consensus: AccountConsensus;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
  ) {
    this.consensus = new AccountConsensus(host, (to, body) => this.send(to, body));
  }

  async restore(): Promise<void> {
    this.keys = await loadGroupKeys(this.host.deps.store);
  }

  start(): void {
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dkg?.session.abort('stopped');
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
    if (this.dkg && !this.dkg.session.finished) throw new NodeError('CeremonyRunning', 'A threshold change is already running.');
    if (threshold === 1) {
      await writeTreeOp(this.host, { type: 'UpdatePolicy', threshold: 1 });
      return;
    }
    this.open();
    const id = toHex(this.host.deps.random(32));
    const start: GroupBody = { type: 'dkg-start', id, participants: devices, threshold };
    this.send('all', start);
    this.begin(id, devices, threshold, start);
  }

  private head(): TreeState {
    const me = this.host.requireIdentity();
    const tree = this.host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
    const head = tree && currentTree(tree);
    if (!head) throw new NodeError('NoIdentity', 'The tree of this identity is missing.');
    return head;
  }

  private begin(id: string, participants: readonly DeviceId[], threshold: number, start: GroupBody | null): void {
    const now = this.host.deps.now();
    this.seen.add(id);
    this.change = { threshold, participants, state: 'KeyGeneration', reason: null, startedAt: now };
    const session = new DkgSession(id, participants, threshold, {
      key: this.host.key,
      random: this.host.deps.random,
      send: (to, body) => this.send(to, body),
      done: (key) => void this.keyReady(key, start !== null),
      failed: (reason) => this.ended('Aborted', reason),
      dropped: (r) => this.host.countDrop(r),
    });
    this.dkg = { session, start, deadline: now + DKG_TIMEOUT_MS };
    session.start();
    for (const [from, body] of this.early.splice(0)) if ('id' in body && body.id === id) session.receive(from, body);
    this.host.changed();
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

  private open(): void {
    const me = this.host.identity();
    const secret = me && this.membership.secretsView().get(me.authorityId);
    const transport = this.host.deps.transport;
    if (this.topic || !secret || !transport) return;
    this.topic = new SealedTopic(transport, secret, 'account-consensus', this.host.deps.random);
    this.topic.subscribe((bytes, from) => this.receive(from, bytes), (r) => this.host.countDrop(`account:${r}`));
  }

  private send(to: DeviceId | 'all', body: GroupBody): void {
    void this.topic?.publish(encodeGroupMessage(to, body)).catch(() => this.host.countDrop('account:PublishFailed'));
  }

  private receive(from: DeviceId, bytes: Uint8Array): void {
    let m;
    try {
      m = decodeGroupMessage(bytes);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      return this.host.countDrop(`account:${e.code}`);
    }
    if (m.to !== 'all' && m.to !== this.host.key.deviceId) return;
    const devices = activeDevices(this.head());
    if (!devices.includes(from)) return this.host.countDrop('account:NotADevice');
    const body = m.body;
    if (body.type === 'consensus') {
      this.consensus.receive(from, body.bytes);
      // New nonces may make a proposal possible that was not (a witness just came back): try now, not next tick.
      return queueMicrotask(() => this.refresh());
    }
    if (body.type === 'dkg-start') return this.joinDkg(from, body, devices);
    if (this.dkg?.session.id === body.id) return this.dkg.session.receive(from, body);
    if (this.early.length < EARLY_MAX) this.early.push([from, body]);
  }

  /** Joins a DKG another device of ours started, if it names exactly the current devices, us included. */
  private joinDkg(from: DeviceId, body: Extract<GroupBody, { type: 'dkg-start' }>, devices: readonly DeviceId[]): void {
    // The initiator repeats its start while the DKG runs: a session we have (or had) is not started again.
    if (this.seen.has(body.id)) return;
    if (this.dkg && !this.dkg.session.finished) return this.host.countDrop('account:DkgBusy');
    const same = body.participants.length === devices.length && [...body.participants].sort().every((d, i) => d === devices[i]);
    if (!same || body.threshold > devices.length || !body.participants.includes(from)) return this.host.countDrop('account:BadDkgStart');
    this.begin(body.id, devices, body.threshold, null);
  }

  private refresh(): void {
    if (this.host.closed || !this.host.identity()) return;
    this.open();
    const head = this.head();
    if (this.change?.state === 'Committing' && head.groupKey !== null && this.keys.has(head.groupKey)) this.ended('Committed', null);
    const key = head.groupKey === null ? undefined : this.keys.get(head.groupKey);
    this.consensus.update(head, key, this.pendingOps());
  }

  private tick(): void {
    if (this.host.closed) return;
    const d = this.dkg;
    if (d && !d.session.finished) {
      if (this.host.deps.now() >= d.deadline) d.session.abort('a device did not take part in time');
      else {
        if (d.start) this.send('all', d.start);
        d.session.resend();
      }
    }
    this.consensus.reannounce();
    this.refresh();
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }
}
