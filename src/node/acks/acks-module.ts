import type { SettledTracking } from '../../core/consistency/ack-gc.ts';
import { contains } from '../../core/consistency/acknowledgment.ts';
import type { Consistency } from '../../core/consistency/consistency.ts';
import { standardPolicyRegistry } from '../../core/consistency/delivery-policy.ts';
import { AuraError } from '../../core/errors.ts';
import { createAcksWith, verifyAck, verifyAckWith } from '../../core/facts/fact-ack.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { journalOf, namespaceId, namespaceKind, type AuthorityId, type ContextId, type DeviceId, type FactId, type Namespace } from '../../core/ids.ts';
import { packAcks } from '../../core/net/ack-envelope.ts';
import { mayWrite, memberList } from '../../core/reduce/membership.ts';
import { compareFacts } from '../../core/reduce/stamp.ts';
import { KEY_BYTES, factIdOf, syncItemOf, type ItemSet } from '../../core/sync/index.ts';
import type { Delivery } from '../../net/transport.ts';
import { StoreError } from '../../store/errors.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { signerOf } from '../host/signer.ts';
import { stampOf } from '../maintenance/cache-keys.ts';
import { AckCoalescer } from './ack-coalescer.ts';
import { ACK_GC_COALESCE_MS, AckGcRunner, type AckGcInputs } from './ack-gc-runner.ts';

/** Facts one sync session asks acks for or answers: 8 bytes each way per key, one signature per MAX_ACK_FACTS. */
const MAX_ACKS_PER_SESSION = 1024;

const asksForAck = (f: ValidatedFact): boolean => (f.fact.body as { ack?: boolean }).ack === true;

export interface AcksDeps {
  consistencyOf(ns: Namespace, id: FactId, tracksAcks: boolean, members: readonly AuthorityId[]): Consistency;
  items(context: ContextId): ItemSet;
}

/**
 * Acknowledgment (spec 002): signed FactAcks for received facts that ask for them (gossiped, charged like any
 * send), acks of our own facts recorded as evidence from members' proven devices only, acks asked for and
 * served in sync sessions, and ack GC by delivery policy.
 */
export class AcksModule implements NodeModule {
  private readonly gc: AckGcRunner;
  private readonly owed = new AckCoalescer((context, facts, authors) => this.sendAcks(context, facts, authors));

  constructor(
    private readonly host: NodeHost,
    private readonly deps: AcksDeps,
  ) {
    const { store } = host.deps;
    this.gc = new AckGcRunner({
      // Each summary is stamped with the epoch it is computed under (the cache `acks/summaries`).
      store: { trackedAcknowledgments: (ids) => store.trackedAcknowledgments(ids), dropTracking: (ids, settled) => store.dropTracking(ids, settled, stampOf(host, 'acks/summaries')) },
      registry: standardPolicyRegistry(),
      inputs: () => this.gcInputs(),
      onSettled: (settled) => this.noteSettled(settled),
      // Counted like every other drop; receiving goes on, and the facts stay tracked until their next ack.
      onError: (e) => host.countDrop(`ack-gc:${e instanceof StoreError ? e.code : 'Error'}`),
      coalesceMs: ACK_GC_COALESCE_MS,
    });
  }

  async restore(): Promise<void> {
    const { store } = this.host.deps;
    const [acks, summaries] = await Promise.all([store.allAcks(), store.ackSummaries()]);
    for (const a of acks) this.host.evidence.observeAcks(a.factId, [{ peer: a.peer, ackedAt: a.ackedAt }]);
    for (const s of summaries) this.host.evidence.settle(s.factId, s.expected, s.ackedBy);
    // Tracked facts with acks may have become droppable while we were away (or before a crash). Facts with no
    // ack yet are left alone: "fully acked by nobody" would drop a message written while alone in its channel
    // and then ignore the acks of whoever joins.
    this.gc.schedule(acks.map((a) => a.factId));
  }

  async stop(): Promise<void> {
    this.owed.stop();
    await this.gc.stop();
  }

  /** Resolves once no ack GC run is scheduled or running (tests; the node itself never waits for GC). */
  idle(): Promise<void> {
    return this.gc.idle();
  }

  /**
   * Facts that asked for acks and are not ours get our signed FactAcks, gossiped to the context once charged:
   * what arrives together (a gossip envelope, a sync session's frames) coalesced into as few acks as
   * MAX_ACK_FACTS allows (`AckCoalescer`), signed on the platform's fast path.
   */
  async admitted(context: ContextId, admitted: readonly ValidatedFact[]): Promise<void> {
    const me = this.host.identity();
    if (!me || !this.host.deps.transport) return;
    const owed = admitted.filter((f) => f.fact.author !== me.authorityId && asksForAck(f));
    await this.owed.add(context, owed.map((f) => f.id), [...new Set(owed.map((f) => f.fact.author))]);
  }

  private async sendAcks(context: ContextId, facts: readonly FactId[], authors: readonly AuthorityId[]): Promise<void> {
    const me = this.host.identity();
    const t = this.host.deps.transport;
    if (!me || !t) return;
    const acks = await createAcksWith(this.host.key, { ns: journalOf(context), facts, by: me.authorityId, at: this.host.deps.now() }, signerOf(this.host));
    const c = this.host.charges.charge(context, authors, 'acks', packAcks(acks).length);
    if (!c.ok) {
      // Not sent: the author asks for these in its next sync session with us (acksFor), when budget allows.
      this.host.countDrop('acks-deferred:InsufficientBudget');
      return;
    }
    await t.publishAcks(context, acks, c.ticket).catch(() => undefined);
  }

  async delivered(d: Delivery): Promise<void> {
    await this.receive(d.context, d.acks);
  }

  /**
   * Acks are evidence only for facts this device tracks (its own ack-requesting facts), and only from a
   * member's proven device; anything else is dropped and counted. A batch is judged fact by fact: a fact of
   * another namespace named in it is dropped and counted (`ack-foreign-fact`), the rest still count.
   */
  async receive(context: ContextId, raw: readonly Uint8Array[]): Promise<void> {
    const me = this.host.identity();
    if (raw.length === 0 || !me) return;
    const ns = journalOf(context);
    const m = this.host.membersOf(context);
    const records: { factId: FactId; peer: AuthorityId; ackedAt: number }[] = [];
    // Checked together: in a browser, by the platform's Ed25519.
    const verifier = this.host.deps.verify;
    const checked = await Promise.allSettled(raw.map(async (bytes) => (verifier ? verifyAckWith(bytes, ns, verifier) : verifyAck(bytes, ns))));
    for (const c of checked) {
      if (c.status === 'rejected') {
        this.host.countDrop(`invalid-ack:${c.reason instanceof AuraError ? c.reason.code : 'Error'}`);
        continue;
      }
      const ack = c.value;
      if (!mayWrite(m, ack.by, ack.device)) {
        this.host.countDrop('ack-not-member');
        continue;
      }
      for (const id of ack.facts) {
        const fact = this.host.journals.fact(id)?.fact;
        if (fact === undefined) continue;
        if (fact.ns !== ns) this.host.countDrop('ack-foreign-fact');
        else if (fact.author === me.authorityId) records.push({ factId: id, peer: ack.by, ackedAt: ack.at });
      }
    }
    if (records.length === 0) return;
    const changed = await this.host.deps.store.putAcks(records);
    for (const r of records) if (changed.includes(r.factId)) this.host.evidence.observeAcks(r.factId, [{ peer: r.peer, ackedAt: r.ackedAt }]);
    if (changed.length === 0) return;
    this.host.changed();
    this.gc.schedule(changed);
  }

  /**
   * Our messages in a context that asked for acks and still lack one from the peer's authority, as sync keys,
   * oldest first and at most MAX_ACKS_PER_SESSION: what a sync session asks that peer for, since an ack
   * gossiped while we were away is never gossiped again.
   */
  wanted(context: ContextId, peer: DeviceId): Uint8Array[] {
    const me = this.host.identity();
    const j = this.host.journals.get(journalOf(context));
    if (!me || !j) return [];
    const m = this.host.membersOf(context);
    const authority = [...m.devices.keys()].find((a) => mayWrite(m, a, peer));
    if (authority === undefined || authority === me.authorityId) return [];
    const wanted: ValidatedFact[] = [];
    for (const f of j.facts.values()) {
      if (f.fact.author !== me.authorityId || !asksForAck(f) || this.host.evidence.settledExpected(f.id) !== undefined) continue;
      if (!contains(this.host.evidence.acknowledgmentOf(f.id), authority)) wanted.push(f);
    }
    return wanted
      .sort(compareFacts)
      .slice(0, MAX_ACKS_PER_SESSION)
      .map((f) => syncItemOf(f.id, f.fact.time.wall).id.subarray(0, KEY_BYTES));
  }

  /**
   * Signed acks, made now, for the facts with these keys that we hold and that asked us for one: batched
   * and signed on the platform's fast path, like the acks we gossip.
   */
  async servedFor(context: ContextId, keys: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const me = this.host.identity();
    if (!me) return [];
    const ns = journalOf(context);
    const items = this.deps.items(context);
    const facts = keys
      .slice(0, MAX_ACKS_PER_SESSION)
      .flatMap((k) => items.idsWithKey(k))
      .map((d) => this.host.journals.fact(factIdOf(d)))
      .filter((f): f is ValidatedFact => f !== undefined && f.fact.author !== me.authorityId && asksForAck(f))
      .map((f) => f.id);
    return createAcksWith(this.host.key, { ns, facts, by: me.authorityId, at: this.host.deps.now() }, signerOf(this.host));
  }

  /** Reduced state as ack GC's policies see it; each namespace's members are computed once per run. */
  private gcInputs(): AckGcInputs {
    const members = new Map<Namespace, readonly AuthorityId[]>();
    const membersOf = (ns: Namespace): readonly AuthorityId[] => {
      let m = members.get(ns);
      if (m === undefined) {
        m = namespaceKind(ns) === 'context' ? memberList(this.host.membersOf(namespaceId(ns)).view) : [namespaceId(ns)];
        members.set(ns, m);
      }
      return m;
    };
    return {
      ctx: { membersOf },
      lookup: (id) => {
        const fact = this.host.journals.fact(id);
        return fact && { fact, consistency: this.deps.consistencyOf(fact.fact.ns, id, true, membersOf(fact.fact.ns)) };
      },
    };
  }

  /** A drop committed with its summaries: the same evidence, now judged against the peers expected then. */
  private noteSettled(settled: readonly SettledTracking[]): void {
    for (const s of settled) this.host.evidence.settle(s.factId, s.expected, s.acknowledgment.ackedBy);
    this.host.changed();
  }
}
