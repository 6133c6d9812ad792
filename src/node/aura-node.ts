import { base32 } from 'multiformats/bases/base32';
import type { SettledTracking } from '../core/consistency/ack-gc.ts';
import { contains } from '../core/consistency/acknowledgment.ts';
import { ConsistencyMap } from '../core/consistency/consistency-map.ts';
import type { Consistency } from '../core/consistency/consistency.ts';
import { standardPolicyRegistry } from '../core/consistency/delivery-policy.ts';
import { OPTIMISTIC } from '../core/consistency/operation-category.ts';
import { LOCAL, type Propagation } from '../core/consistency/propagation.ts';
import { optimisticIndicator } from '../core/consistency/optimistic-status.ts';
import { deviceKeyFromSeed, type DeviceKey } from '../core/crypto/ed25519.ts';
import { createFact } from '../core/facts/create.ts';
import type { ValidatedFact } from '../core/facts/fact.ts';
import { createGenesis } from '../core/facts/genesis.ts';
import { compareHlc, hlcTick, HLC_ZERO, type Hlc } from '../core/facts/hlc.ts';
import { kindSpec, type BodyOf, type FactKind } from '../core/facts/kinds/index.ts';
import { SchemaError } from '../core/facts/schema.ts';
import { storedFact } from '../core/facts/stored.ts';
import { runGuardChain } from '../core/flow/guard-chain.ts';
import type { FlowBudget } from '../core/flow/flow-budget.ts';
import type { MembershipView } from '../core/flow/capabilities.ts';
import { authorityNamespace, contextNamespace, namespaceId, namespaceKind, type AuthorityId, type ChannelId, type ContextId, type DeviceId, type FactId, type Namespace } from '../core/ids.ts';
import { agreementOf } from '../core/reduce/agreement.ts';
import { currentTree } from '../core/reduce/tree/tree-reducer.ts';
import { channelMessages, listChannels } from '../core/reduce/chat.ts';
import { contextMembership, mayWrite, MEMBER_BINDING, memberList, type ContextMembers } from '../core/reduce/membership.ts';
import { AckError, createAck, verifyAck, type FactAck } from '../core/facts/fact-ack.ts';
import { validateFact, validateFactWith } from '../core/facts/validate.ts';
import { FactValidationError } from '../core/facts/errors.ts';
import { decodeJoinCode, encodeJoinCode } from '../core/facts/join-code.ts';
import type { Delivery, NetStatus } from '../net/transport.ts';
import { compareFacts } from '../core/reduce/stamp.ts';
import { KEY_BYTES, factIdOf, syncItemOf } from '../core/sync/index.ts';
import { StoreError } from '../store/errors.ts';
import { ACK_GC_COALESCE_MS, AckGcRunner, type AckGcInputs } from './ack-gc-runner.ts';
import { admissible, PendingFacts } from './admission.ts';
import type { AuraNodeApi, ChannelSummary, DeviceInfo, Identity, MessageView, QueryResult, StatusDetails } from './api.ts';
import { NodeError } from './api.ts';
import type { NodeDeps } from './deps.ts';
import { deviceSeed } from './device-seed.ts';
import { Evidence, type ReachedRecord } from './evidence.ts';
import { JournalSyncHost } from './journal-sync-host.ts';
import { SyncService, type SyncMetrics } from '../protocols/sync/sync-service.ts';
import type { SyncOutcome } from '../protocols/sync/session.ts';
import { DEFAULT_FLOW_LIMIT, FLOW_EPOCH_MS, flowEpoch, MESSAGE_COST } from './flow-policy.ts';
import { OFFLINE_STATUS } from './offline-status.ts';
import { Journals } from './journals.ts';

const NO_PEERS: ReadonlySet<DeviceId> = new Set();
/** Acks one sync session asks for or answers with: 8 bytes each way per key, one signature per ack. */
const MAX_ACKS_PER_SESSION = 256;

const asksForAck = (f: ValidatedFact): boolean => (f.fact.body as { ack?: boolean }).ack === true;

const IDENTITY_META = 'identity';
const REACHED_META = 'sync-reached';

interface StoredIdentity {
  readonly authorityId: AuthorityId;
  readonly displayName: string;
}

/**
 * The in-browser Aura node: owns the device key, the journals (persisted by the store, reduced in memory),
 * and every local write, which passes the guard chain and is committed atomically before it is applied.
 */
export class AuraNode implements AuraNodeApi {
  version = 0;
  private dataVersion = 0;
  private notifyQueued = false;
  /** Display names of authorities, from the genesis facts carried by member bindings. */
  private readonly names = new Map<AuthorityId, string>();
  /** Last view of each message, reused while unchanged so the UI can skip re-rendering it. */
  private readonly views = new Map<FactId, MessageView>();
  private readonly deliveries: Delivery[] = [];
  private readonly syncHost: JournalSyncHost;
  private sync: SyncService | null = null;
  private draining: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly journals = new Journals();
  private readonly evidence = new Evidence();
  private readonly budgets = new Map<string, FlowBudget>();
  private clock: Hlc = HLC_ZERO;
  private me: StoredIdentity | null = null;
  private closed = false;
  private readonly cache = new Map<string, { version: number; value: unknown }>();
  private readonly secrets = new Map<ContextId, Uint8Array>();
  private readonly pending = new PendingFacts();
  private readonly ackGc: AckGcRunner;
  /** Devices seen joining each context's topic: whom to reconcile with before their bindings reach us. */
  private readonly topicPeers = new Map<ContextId, Set<DeviceId>>();

  private constructor(
    private readonly deps: NodeDeps,
    private readonly key: DeviceKey,
  ) {
    this.syncHost = new JournalSyncHost({
      journals: this.journals,
      device: key.deviceId,
      secrets: () => this.secrets,
      topicPeers: (c) => this.topicPeers.get(c) ?? NO_PEERS,
      membersOf: (c) => this.membersOf(c),
      ingest: (context, facts) => this.receive({ context, facts, acks: [], from: '' }),
      wantedAcks: (context, peer) => this.wantedAcks(context, peer),
      acksFor: (context, keys) => this.acksFor(context, keys),
      receiveAcks: (context, acks) => this.receiveAcks(context, acks),
    });
    this.ackGc = new AckGcRunner({
      store: deps.store,
      registry: standardPolicyRegistry(),
      inputs: () => this.ackGcInputs(),
      onSettled: (settled) => this.noteSettled(settled),
      // Counted like every other drop; receiving goes on, and the facts stay tracked until their next ack.
      onError: (e) => this.deps.transport?.countDrop(`ack-gc:${e instanceof StoreError ? e.code : 'Error'}`),
      coalesceMs: ACK_GC_COALESCE_MS,
    });
  }

  get profile(): string {
    return this.deps.profile;
  }

  /** Opens a profile's node: creates its device key once, then restores journals and reduced state. */
  static async open(deps: NodeDeps): Promise<AuraNode> {
    const node = new AuraNode(deps, deviceKeyFromSeed(await deviceSeed(deps.store, deps.random)));
    await node.restore();
    return node;
  }

  private async restore(): Promise<void> {
    const { store } = this.deps;
    const [records, identity, budgets, acks, summaries] = await Promise.all([
      store.loadFacts(),
      store.getMeta<StoredIdentity>(IDENTITY_META),
      store.loadBudgets(),
      store.allAcks(),
      store.ackSummaries(),
    ]);
    for (const r of records) {
      const f = storedFact(r.id, r.bytes);
      this.journals.apply(f);
      this.noteName(f);
      if (compareHlc(f.fact.time, this.clock) > 0) this.clock = f.fact.time;
    }
    for (const [k, b] of budgets) this.budgets.set(k, b);
    for (const a of acks) this.evidence.observeAcks(a.factId, [{ peer: a.peer, ackedAt: a.ackedAt }]);
    for (const s of summaries) this.evidence.settle(s.factId, s.expected, s.ackedBy);
    this.me = identity ?? null;
    for (const [context, secret] of await store.contextSecrets()) this.secrets.set(context, secret);
    const t = this.deps.transport;
    if (t) {
      t.onDelivery((d) => void this.receive(d));
      t.onPeerJoined((context, peer) => this.peerJoined(context, peer));
      t.subscribe(() => this.changed(false));
      for (const [context, secret] of this.secrets) t.join(context, secret);
      this.evidence.restoreReached((await store.getMeta<ReachedRecord>(REACHED_META)) ?? {});
      this.sync = new SyncService(
        this.syncHost,
        t,
        {
          now: this.deps.now,
          random: () => this.deps.random(1)[0]! / 256,
          intervalMs: this.deps.syncIntervalMs ?? [3_000, 5_000],
          epoch: () => this.identityEpoch(),
        },
        (o) => void this.syncFinished(o),
        () => this.changed(false),
      );
      this.sync.start();
    }
    // Tracked facts with acks may have become droppable while we were away (or before a crash). Facts with no
    // ack yet are left alone: "fully acked by nobody" would drop a message written while alone in its channel
    // and then ignore the acks of whoever joins.
    this.ackGc.schedule(acks.map((a) => a.factId));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * A change of reduced data (journal) or only of network status. Either bumps `version` at once; listeners
   * are told once per microtask, so a burst of changes costs one render. Query caches key on `dataVersion`,
   * so network chatter never recomputes message views.
   */
  private changed(data = true): void {
    this.version++;
    if (data) this.dataVersion++;
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const l of [...this.listeners]) l();
    });
  }

  identity(): Identity | null {
    return this.me && { authorityId: this.me.authorityId, deviceId: this.key.deviceId, displayName: this.me.displayName };
  }

  async createIdentity(displayName: string): Promise<Identity> {
    this.assertOpen();
    const name = displayName.trim();
    if (name.length < 1 || name.length > 64) throw new NodeError('InvalidInput', 'A display name has 1 to 64 characters.');
    if (this.me) throw new NodeError('IdentityExists', 'This device already has an identity.');
    const genesis = createGenesis(this.key, this.deps.random(16), this.tick(), name);
    const me: StoredIdentity = { authorityId: genesis.fact.author, displayName: name };
    // Authority writes are local: nothing is sent, so there is no budget to charge; the commit is still atomic.
    await this.commit([genesis], { meta: [[IDENTITY_META, me]] });
    this.me = me;
    this.changed();
    return this.identity()!;
  }

  channels(): QueryResult<readonly ChannelSummary[]> {
    return this.cached('channels', () => {
      const out: ChannelSummary[] = [];
      const entries: [string, Consistency][] = [];
      for (const ns of this.journals.namespaces()) {
        if (!ns.startsWith('context:')) continue;
        const st = this.journals.get(ns)!.state;
        for (const ch of listChannels(st.chat)) {
          out.push({ id: ch.id, context: namespaceId(ns), name: ch.name, topic: ch.topic, messageCount: channelMessages(st.chat, ch.id).length, createdAt: ch.createdAt.wall });
          entries.push([ch.id, this.consistencyOf(ns, ch.id, false)]);
        }
      }
      out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      return { data: out, consistency: ConsistencyMap.of(entries) };
    });
  }

  async createChannel(name: string): Promise<ChannelId> {
    const me = this.requireIdentity();
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 64) throw new NodeError('InvalidInput', 'A channel name has 1 to 64 characters.');
    const context = base32.baseEncode(this.deps.random(16));
    await this.adoptSecret(context, this.deps.random(32));
    const ns = contextNamespace(context);
    const facts = [this.memberBinding(ns), this.draft(ns, 'chat.channel', { name: clean })];
    // The creator's own join and the channel commit together; holding the secret authorizes the join.
    await this.guardedWrite(context, facts, { context, rights: new Map([[me.authorityId, new Set(['member:join'])]]) }, 'member:join');
    return facts[1]!.id;
  }

  joinCode(channel: ChannelId): string {
    const ns = this.namespaceOfChannel(channel);
    const secret = ns && this.secrets.get(namespaceId(ns));
    if (!ns || !secret) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
    const name = listChannels(this.journals.get(ns)!.state.chat).find((c) => c.id === channel)?.name;
    return encodeJoinCode({ context: namespaceId(ns), secret, ...(name ? { name } : {}) });
  }

  async joinChannel(code: string): Promise<ContextId> {
    const me = this.requireIdentity();
    let joined: { context: ContextId; secret: Uint8Array };
    try {
      joined = decodeJoinCode(code);
    } catch (e) {
      throw new NodeError('InvalidJoinCode', `That join code is not valid (${(e as Error).message}).`);
    }
    const { context, secret } = joined;
    await this.adoptSecret(context, secret);
    const ns = contextNamespace(context);
    const st = this.journals.get(ns)?.state;
    if (!st || !contextMembership(context, st).view.rights.has(me.authorityId)) {
      await this.guardedWrite(context, [this.memberBinding(ns)], { context, rights: new Map([[me.authorityId, new Set(['member:join'])]]) }, 'member:join', true);
    }
    return context;
  }

  network(): NetStatus {
    return this.deps.transport?.status() ?? OFFLINE_STATUS;
  }

  syncMetrics(): SyncMetrics | null {
    return this.sync?.metrics() ?? null;
  }

  /** Runs anti-entropy with every connected peer now (tests, and the network panel's "Sync now"). */
  async syncNow(): Promise<void> {
    await this.sync?.syncAll(true);
  }

  /** The epoch of this authority's commitment tree: sync sessions begun under an older one are aborted. */
  private identityEpoch(): number {
    const me = this.me;
    const st = me && this.journals.get(authorityNamespace(me.authorityId))?.state;
    return (st && currentTree(st.tree)?.epoch) ?? 0;
  }

  /** A finished reconciliation is evidence: the peer's authority now holds what we had when it began. */
  private async syncFinished(o: SyncOutcome): Promise<void> {
    if (o.failure === 'Denied') {
      // It is on the topic without holding the context (an observer): no evidence either way; stop asking.
      this.topicPeers.get(o.context)?.delete(o.peer);
      return;
    }
    if (o.ok) {
      const m = this.membersOf(o.context);
      const member = [...m.devices.keys()].find((a) => mayWrite(m, a, o.peer));
      if (member) this.evidence.observeSync(o.context, member, o.startedAt);
      await this.deps.store.setMeta(REACHED_META, this.evidence.reachedRecord()).catch(() => undefined);
    } else this.evidence.observeFailure(o.context, this.deps.now(), o.error ?? 'sync failed');
    this.changed();
  }

  messages(channel: ChannelId, limit = Number.MAX_SAFE_INTEGER): QueryResult<readonly MessageView[]> {
    return this.cached(`messages:${channel}:${limit}`, () => {
      const ns = this.namespaceOfChannel(channel);
      if (!ns) return { data: [], consistency: ConsistencyMap.EMPTY };
      const st = this.journals.get(ns)!.state;
      const members = memberList(contextMembership(namespaceId(ns), st).view);
      const entries: [string, Consistency][] = [];
      const all = channelMessages(st.chat, channel);
      const data = all.slice(Math.max(0, all.length - limit)).map((m): MessageView => {
        const c = this.consistencyOf(ns, m.id, m.ack, members);
        entries.push([m.id, c]);
        const expected = this.expectedAcks(m.id, m.author, members);
        return this.reuseView({
          id: m.id,
          channel,
          author: m.author,
          authorName: this.nameOf(m.author),
          text: m.text,
          sentAt: m.time.wall,
          own: m.author === this.me?.authorityId,
          indicator: optimisticIndicator(c, expected),
          expected,
        });
      });
      return { data, consistency: ConsistencyMap.of(entries) };
    });
  }

  async sendMessage(channel: ChannelId, text: string): Promise<FactId> {
    this.requireIdentity();
    const body = text.trim();
    if (body.length < 1 || body.length > 4000) throw new NodeError('InvalidInput', 'A message has 1 to 4000 characters.');
    const ns = this.namespaceOfChannel(channel);
    if (!ns) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
    const context = namespaceId(ns);
    const fact = this.draft(ns, 'chat.message', { channel, text: body, ack: true });
    await this.guardedWrite(context, [fact], this.membersOf(context).view, 'chat:send');
    return fact.id;
  }

  statusDetails(id: FactId): StatusDetails | null {
    const f = this.journals.fact(id);
    if (!f) return null;
    const st = this.journals.get(f.fact.ns)!.state;
    const members = f.fact.ns.startsWith('context:') ? memberList(contextMembership(namespaceId(f.fact.ns), st).view) : [];
    return {
      agreement: agreementOf(st.agreement, id),
      propagation: this.propagationOf(f),
      acks: this.evidence.acknowledgmentOf(id).ackedBy,
      expected: this.expectedAcks(id, f.fact.author, members),
    };
  }

  /** Who must ack a fact for Delivered: the other members, or for a settled fact the peers expected then. */
  private expectedAcks(id: FactId, author: AuthorityId, members: readonly AuthorityId[]): readonly AuthorityId[] {
    return this.evidence.settledExpected(id) ?? members.filter((a) => a !== author);
  }

  async deviceInfo(): Promise<DeviceInfo> {
    return {
      profile: this.profile,
      deviceId: this.key.deviceId,
      authorityId: this.me?.authorityId ?? null,
      displayName: this.me?.displayName ?? null,
      factCount: this.journals.factCount(),
      storage: await this.deps.store.estimate(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sync?.stop();
    await this.ackGc.stop();
    await this.deps.transport?.stop();
    this.deps.store.close();
    this.changed();
    this.listeners.clear();
  }

  /** This device's self-join of a context: its genesis fact is the proof that it writes as this authority. */
  private memberBinding(ns: Namespace): ValidatedFact<'rel.binding'> {
    const me = this.requireIdentity();
    const genesis = [...(this.journals.get(authorityNamespace(me.authorityId))?.facts.values() ?? [])].find((f) => f.fact.kind === 'authority.genesis');
    if (!genesis) throw new NodeError('NoIdentity', 'The genesis fact of this identity is missing.');
    return this.draft(ns, 'rel.binding', { bindingType: MEMBER_BINDING, authorities: [me.authorityId], data: genesis.bytes });
  }

  private async adoptSecret(context: ContextId, secret: Uint8Array): Promise<void> {
    if (!this.secrets.has(context)) await this.deps.store.putContextSecret(context, secret);
    this.secrets.set(context, secret);
    this.deps.transport?.join(context, secret);
  }

  private membersOf(context: ContextId): ContextMembers {
    const st = this.journals.get(contextNamespace(context))?.state;
    return st ? contextMembership(context, st) : { view: { context, rights: new Map() }, devices: new Map() };
  }

  /**
   * Deliveries are queued and drained in order, each drain taking everything queued so far: admission
   * sees every earlier commit, and a burst becomes a few batched commits instead of one per payload.
   */
  private receive(d: Delivery): Promise<void> {
    this.deliveries.push(d);
    this.draining ??= (async () => {
      while (this.deliveries.length > 0) {
        const batch = this.deliveries.splice(0);
        const byContext = new Map<ContextId, { facts: Uint8Array[]; acks: Uint8Array[] }>();
        for (const x of batch) {
          const acc = byContext.get(x.context) ?? { facts: [], acks: [] };
          acc.facts.push(...x.facts);
          acc.acks.push(...x.acks);
          byContext.set(x.context, acc);
        }
        for (const [context, { facts, acks }] of byContext) {
          await this.ingest({ context, facts, acks, from: '' }).catch(() => undefined);
          await this.receiveAcks(context, acks).catch(() => undefined);
        }
      }
      this.draining = null;
    })();
    return this.draining;
  }

  /**
   * Validates (encoding, signature, namespace), then admits by membership, commits, applies. Invalid facts
   * are dropped and counted; valid facts of unknown authors wait until their join arrives.
   */
  private async ingest(d: Delivery): Promise<void> {
    if (this.closed || !this.secrets.has(d.context)) return;
    const t = this.deps.transport!;
    const ns = contextNamespace(d.context);
    const known = this.journals.get(ns)?.facts;
    const valid: ValidatedFact[] = [];
    for (const bytes of d.facts) {
      try {
        const f = this.deps.verify ? await validateFactWith(bytes, this.deps.verify, { namespace: ns }) : validateFact(bytes, { namespace: ns });
        if (!known?.has(f.id)) valid.push(f);
      } catch (e) {
        if (!(e instanceof FactValidationError)) throw e;
        t.countDrop(`invalid-fact:${e.code}`);
      }
    }
    this.pending.add(d.context, valid, (reason) => t.countDrop(reason));
    const admitted: ValidatedFact[] = [];
    for (;;) {
      const m = this.membersOf(d.context);
      const batch = this.pending.take(d.context, (f) => admissible(f, m));
      if (batch.length === 0) break;
      for (const f of batch) if (compareHlc(f.fact.time, this.clock) > 0) this.clock = f.fact.time;
      await this.commit(batch, {});
      admitted.push(...batch);
    }
    if (admitted.length === 0) return;
    this.changed();
    await this.acknowledge(d.context, admitted);
  }

  /**
   * Our messages in a context that asked for acks and still lack one from the peer's authority, as sync keys,
   * oldest first and at most MAX_ACKS_PER_SESSION: what a sync session asks that peer for, since an ack
   * gossiped while we were away is never gossiped again.
   */
  private wantedAcks(context: ContextId, peer: DeviceId): Uint8Array[] {
    const me = this.me;
    const j = this.journals.get(contextNamespace(context));
    if (!me || !j) return [];
    const m = this.membersOf(context);
    const authority = [...m.devices.keys()].find((a) => mayWrite(m, a, peer));
    if (authority === undefined || authority === me.authorityId) return [];
    const wanted: ValidatedFact[] = [];
    for (const f of j.facts.values()) {
      if (f.fact.author !== me.authorityId || !asksForAck(f) || this.evidence.settledExpected(f.id) !== undefined) continue;
      if (!contains(this.evidence.acknowledgmentOf(f.id), authority)) wanted.push(f);
    }
    return wanted
      .sort(compareFacts)
      .slice(0, MAX_ACKS_PER_SESSION)
      .map((f) => syncItemOf(f.id, f.fact.time.wall).id.subarray(0, KEY_BYTES));
  }

  /** Signed acks, made now, for the facts with these keys that we hold and that asked us for one. */
  private acksFor(context: ContextId, keys: readonly Uint8Array[]): Uint8Array[] {
    const me = this.me;
    if (!me) return [];
    const ns = contextNamespace(context);
    const items = this.syncHost.items(context);
    const at = this.deps.now();
    return keys
      .slice(0, MAX_ACKS_PER_SESSION)
      .flatMap((k) => items.idsWithKey(k))
      .map((d) => this.journals.fact(factIdOf(d)))
      .filter((f): f is ValidatedFact => f !== undefined && f.fact.author !== me.authorityId && asksForAck(f))
      .map((f) => createAck(this.key, { ns, fact: f.id, by: me.authorityId, at }));
  }

  /** Facts that asked for acks and are not ours get a signed FactAck, gossiped to the context. */
  private async acknowledge(context: ContextId, admitted: readonly ValidatedFact[]): Promise<void> {
    const me = this.me;
    if (!me || !this.deps.transport) return;
    const ns = contextNamespace(context);
    const at = this.deps.now();
    const acks = admitted
      .filter((f) => f.fact.author !== me.authorityId && asksForAck(f))
      .map((f) => createAck(this.key, { ns, fact: f.id, by: me.authorityId, at }));
    if (acks.length > 0) await this.deps.transport.publishAcks(context, acks).catch(() => undefined);
  }

  /**
   * Acks are evidence only for facts this device tracks (its own ack-requesting facts), and only from a
   * member's proven device; anything else is dropped and counted.
   */
  private async receiveAcks(context: ContextId, raw: readonly Uint8Array[]): Promise<void> {
    if (raw.length === 0 || !this.me) return;
    const t = this.deps.transport!;
    const ns = contextNamespace(context);
    const m = this.membersOf(context);
    const records: { factId: FactId; peer: AuthorityId; ackedAt: number }[] = [];
    for (const bytes of raw) {
      let ack: FactAck;
      try {
        ack = verifyAck(bytes, ns);
      } catch (e) {
        if (!(e instanceof AckError)) throw e;
        t.countDrop(`invalid-ack:${e.code}`);
        continue;
      }
      if (!mayWrite(m, ack.by, ack.device)) {
        t.countDrop('ack-not-member');
        continue;
      }
      if (this.journals.fact(ack.fact)?.fact.author !== this.me.authorityId) continue;
      records.push({ factId: ack.fact, peer: ack.by, ackedAt: ack.at });
    }
    if (records.length === 0) return;
    const changed = await this.deps.store.putAcks(records);
    for (const r of records) if (changed.includes(r.factId)) this.evidence.observeAcks(r.factId, [{ peer: r.peer, ackedAt: r.ackedAt }]);
    if (changed.length === 0) return;
    this.changed();
    this.ackGc.schedule(changed);
  }

  /** Resolves once no ack GC run is scheduled or running (tests; the node itself never waits for GC). */
  whenAckGcIdle(): Promise<void> {
    return this.ackGc.idle();
  }

  /** Reduced state as ack GC's policies see it; each namespace's members are computed once per run. */
  private ackGcInputs(): AckGcInputs {
    const members = new Map<Namespace, readonly AuthorityId[]>();
    const membersOf = (ns: Namespace): readonly AuthorityId[] => {
      let m = members.get(ns);
      if (m === undefined) {
        m = namespaceKind(ns) === 'context' ? memberList(this.membersOf(namespaceId(ns)).view) : [namespaceId(ns)];
        members.set(ns, m);
      }
      return m;
    };
    return {
      ctx: { membersOf },
      lookup: (id) => {
        const fact = this.journals.fact(id);
        return fact && { fact, consistency: this.consistencyOf(fact.fact.ns, id, true, membersOf(fact.fact.ns)) };
      },
    };
  }

  /** A drop committed with its summaries: the same evidence, now judged against the peers expected then. */
  private noteSettled(settled: readonly SettledTracking[]): void {
    for (const s of settled) this.evidence.settle(s.factId, s.expected, s.acknowledgment.ackedBy);
    this.changed();
  }

  /**
   * A peer joined a context's topic: reconcile with it now. It may be a member whose binding has not reached
   * us (or who lacks ours): the sync opening proves we both hold the context's secret, and the session then
   * carries the bindings both ways like any other facts.
   */
  private peerJoined(context: ContextId, peer: DeviceId): void {
    if (this.closed) return;
    let peers = this.topicPeers.get(context);
    if (!peers) this.topicPeers.set(context, (peers = new Set()));
    peers.add(peer);
    void this.sync?.syncWith(peer);
  }

  private tick(): Hlc {
    this.clock = hlcTick(this.clock, this.deps.now());
    return this.clock;
  }

  private draft<K extends FactKind>(ns: Namespace, kind: K, body: BodyOf<K>): ValidatedFact<K> {
    // The same schema receivers apply: never sign what peers would refuse.
    try {
      kindSpec(kind)!.body(body, 'body');
    } catch (e) {
      if (e instanceof SchemaError) throw new NodeError('InvalidInput', e.message);
      throw e;
    }
    return createFact(this.key, { ns, kind, author: this.requireIdentity().authorityId, time: this.tick(), body });
  }

  /** CapGuard → FlowGuard → JournalCoupler, then the effects in order: commit, and (with peers) send. */
  private async guardedWrite(context: ContextId, facts: ValidatedFact[], membership: MembershipView, right: string, announce = false): Promise<void> {
    const me = this.requireIdentity();
    const peers = memberList(membership).filter((a) => a !== me.authorityId);
    const result = runGuardChain(
      { context, sender: me.authorityId, device: this.key.deviceId, peers, cost: MESSAGE_COST, right, facts },
      { membership, budgets: this.budgets, epoch: flowEpoch(this.deps.now()), defaultLimit: this.deps.flowLimit ?? DEFAULT_FLOW_LIMIT },
    );
    if (!result.ok) {
      const e = result.error;
      if (e.code === 'InsufficientBudget') throw new NodeError(e.code, guardMessage(e.code), e.resumeAtEpoch, e.resumeAtEpoch * FLOW_EPOCH_MS);
      throw new NodeError(e.code, guardMessage(e.code));
    }
    for (const effect of result.effects) {
      if (effect.type === 'CommitAtomically') {
        const trackAcks = effect.facts.filter((f) => f.fact.kind === 'chat.message').map((f) => ({ factId: f.id, expected: peers }));
        await this.commit(effect.facts, { budgets: effect.budgets, trackAcks });
        for (const c of effect.budgets) this.budgets.set(c.key, c.budget);
      }
    }
    this.changed();
    // Charged and committed above; only now may bytes leave the device. A failed publish loses nothing:
    // the facts are durable here and peers catch up when they next meet us.
    // A join is announced even before any other member is known: it is how they learn of us.
    const send = result.effects[1];
    const out = send ? facts.filter((f) => send.factIds.includes(f.id)) : announce ? facts : [];
    if (out.length > 0 && this.deps.transport) await this.deps.transport.publish(context, out.map((f) => f.bytes)).catch(() => undefined);
  }

  /** Durable first, then visible: a fact is applied only after its batch committed. */
  private async commit(facts: readonly ValidatedFact[], extra: Parameters<NodeDeps['store']['appendFacts']>[1]): Promise<void> {
    this.assertOpen();
    try {
      await this.deps.store.appendFacts(facts, extra);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'QuotaExceeded') throw new NodeError('StorageQuotaExceeded', 'The browser refused to store more data for this app.');
      throw new NodeError('StorageFailed', `Could not save: ${(e as Error).message}`);
    }
    for (const f of facts) {
      if (!this.journals.apply(f)) continue;
      this.noteName(f);
      if (f.fact.ns.startsWith('context:')) this.syncHost.noteApplied(namespaceId(f.fact.ns), f);
    }
  }

  /** Member bindings carry their author's genesis, whose body holds the chosen display name. */
  private noteName(f: ValidatedFact): void {
    if (f.fact.kind === 'authority.genesis') {
      const name = (f.fact.body as { name?: string }).name;
      if (name) this.names.set(f.fact.author, name);
    } else if (f.fact.kind === 'rel.binding') {
      const data = (f.fact.body as { data?: Uint8Array }).data;
      if (data && !this.names.has(f.fact.author)) {
        const g = storedFact('', data).fact;
        const name = (g.body as { name?: string }).name;
        if (g.kind === 'authority.genesis' && g.author === f.fact.author && name) this.names.set(f.fact.author, name);
      }
    }
  }

  nameOf(authority: AuthorityId): string {
    return this.names.get(authority) ?? `…${authority.slice(-6)}`;
  }

  /** Who, besides us and the author, should hold a context fact; and what the evidence says they do. */
  private propagationOf(f: ValidatedFact, members?: readonly AuthorityId[]): Propagation {
    if (!f.fact.ns.startsWith('context:')) return LOCAL;
    const context = namespaceId(f.fact.ns);
    const all = members ?? memberList(this.membersOf(context).view);
    const others = all.filter((a) => a !== this.me?.authorityId && a !== f.fact.author);
    return this.evidence.propagation(context, f.id, f.fact.time.wall, others);
  }

  /** `members`, when the caller already has them, saves recomputing membership for every item of a list. */
  private consistencyOf(ns: Namespace, id: FactId, tracksAcks: boolean, members?: readonly AuthorityId[]): Consistency {
    return {
      category: OPTIMISTIC,
      agreement: agreementOf(this.journals.get(ns)!.state.agreement, id),
      propagation: this.propagationOf(this.journals.get(ns)!.facts.get(id)!, members),
      acknowledgment: tracksAcks ? this.evidence.acknowledgmentOf(id) : null,
    };
  }

  private namespaceOfChannel(channel: ChannelId): Namespace | undefined {
    const f = this.journals.fact(channel);
    return f?.fact.kind === 'chat.channel' ? f.fact.ns : undefined;
  }


  private reuseView(v: MessageView): MessageView {
    const prev = this.views.get(v.id);
    if (prev && prev.indicator === v.indicator && prev.authorName === v.authorName && prev.expected.join() === v.expected.join()) return prev;
    this.views.set(v.id, v);
    return v;
  }

  private cached<T>(key: string, compute: () => T): T {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.dataVersion) return hit.value as T;
    const value = compute();
    this.cache.set(key, { version: this.dataVersion, value });
    return value;
  }

  private requireIdentity(): StoredIdentity {
    this.assertOpen();
    if (!this.me) throw new NodeError('NoIdentity', 'Create an identity first.');
    return this.me;
  }

  private assertOpen(): void {
    if (this.closed) throw new NodeError('NodeClosed', 'This tab no longer runs the node for this profile.');
  }
}

function guardMessage(code: 'AuthorizationDenied' | 'InsufficientBudget' | 'JournalCommitFailed'): string {
  switch (code) {
    case 'AuthorizationDenied':
      return 'This device is not allowed to do that in this channel.';
    case 'InsufficientBudget':
      return 'Sending budget for this channel is used up for now.';
    case 'JournalCommitFailed':
      return 'The write could not be committed to the journal.';
  }
}
