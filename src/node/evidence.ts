import { acknowledgmentOf, contains, EMPTY_ACKNOWLEDGMENT, type AckRecord, type Acknowledgment } from '../core/consistency/acknowledgment.ts';
import { COMPLETE, failed, LOCAL, syncing, type Propagation } from '../core/consistency/propagation.ts';
import type { AuthorityId, ContextId, FactId, PhysicalTime } from '../core/ids.ts';

/** Serialisable form, kept in the store's meta so evidence survives reloads. */
export type ReachedRecord = Record<ContextId, Record<AuthorityId, PhysicalTime>>;

interface Failure {
  readonly at: PhysicalTime;
  readonly count: number;
  readonly error: string;
}

/** A failed reconciliation is retried within a few seconds by the sync service's period. */
const RETRY_AFTER_MS = 5_000;

/**
 * What this device can prove about where its facts went. A completed reconciliation with a member proves
 * that member holds every fact we had when it started; an ack proves one fact. Nothing is guessed: without
 * evidence a fact is Local.
 */
export class Evidence {
  private readonly acks = new Map<FactId, Acknowledgment>();
  /** Facts whose ack tracking GC dropped, with the peers their policy expected then. */
  private readonly settled = new Map<FactId, readonly AuthorityId[]>();
  private readonly reached = new Map<ContextId, Map<AuthorityId, PhysicalTime>>();
  private readonly failures = new Map<ContextId, Failure>();

  acknowledgmentOf(id: FactId): Acknowledgment {
    return this.acks.get(id) ?? EMPTY_ACKNOWLEDGMENT;
  }

  /** Evidence only accumulates (acks join, reach only moves forward) until a cache floor discards it. */
  observeAcks(id: FactId, records: readonly AckRecord[]): void {
    this.acks.set(id, acknowledgmentOf([...this.acknowledgmentOf(id).ackedBy, ...records]));
  }

  /**
   * Tracking of `id` was dropped with these acks: they stay evidence, and since later acks are no longer
   * collected, Delivered is judged against the peers expected when it was settled, not today's members.
   */
  settle(id: FactId, expected: readonly AuthorityId[], records: readonly AckRecord[]): void {
    this.observeAcks(id, records);
    this.settled.set(id, expected);
  }

  /** The expected peers of a settled fact; undefined while its acks are still being collected. */
  settledExpected(id: FactId): readonly AuthorityId[] | undefined {
    return this.settled.get(id);
  }

  /**
   * A discarded cache (CacheInvalidated, spec 004 §3) takes back what it held: the acks and settlement of
   * `id` (its summary is gone and its acks are collected again), or every reconciliation's reach.
   */
  forget(id: FactId): void {
    this.acks.delete(id);
    this.settled.delete(id);
  }

  forgetReached(): void {
    this.reached.clear();
  }

  observeSync(context: ContextId, member: AuthorityId, through: PhysicalTime): void {
    const m = this.reached.get(context) ?? new Map<AuthorityId, PhysicalTime>();
    m.set(member, Math.max(m.get(member) ?? -1, through));
    this.reached.set(context, m);
    this.failures.delete(context);
  }

  observeFailure(context: ContextId, at: PhysicalTime, error: string): void {
    this.failures.set(context, { at, count: (this.failures.get(context)?.count ?? 0) + 1, error });
  }

  /** Propagation of one of our facts (written at `wall`) to the other members of its context. */
  propagation(context: ContextId, id: FactId, wall: PhysicalTime, others: readonly AuthorityId[]): Propagation {
    if (others.length === 0) return LOCAL;
    const through = this.reached.get(context);
    const acks = this.acknowledgmentOf(id);
    const reached = others.filter((a) => (through?.get(a) ?? -1) >= wall || contains(acks, a)).length;
    if (reached === others.length) return COMPLETE;
    if (reached > 0) return syncing(reached, others.length);
    const f = this.failures.get(context);
    return f ? failed(f.at + RETRY_AFTER_MS, f.count, f.error) : LOCAL;
  }

  reachedRecord(): ReachedRecord {
    const out: ReachedRecord = {};
    for (const [c, m] of this.reached) out[c] = Object.fromEntries(m);
    return out;
  }

  restoreReached(r: ReachedRecord): void {
    for (const [c, m] of Object.entries(r)) for (const [a, t] of Object.entries(m)) this.observeSync(c, a, t);
  }
}
