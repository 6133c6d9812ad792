import type { IDBPDatabase } from 'idb';
import { compareStrings } from '../core/compare.ts';
import { acknowledgmentOf, type Acknowledgment } from '../core/consistency/acknowledgment.ts';
import type { SettledTracking } from '../core/consistency/ack-gc.ts';
import type { AuthorityId, FactId } from '../core/ids.ts';
import type { AckSummary, AuraDB, StoredAck } from './schema.ts';
import { inTransaction } from './tx.ts';

/** Every ack key of one fact: arrays sort after strings, so [id, []] is above any [id, peer]. */
function acksOf(factId: FactId): IDBKeyRange {
  return IDBKeyRange.bound([factId], [factId, []]);
}

export async function trackedFactIds(db: IDBPDatabase<AuraDB>): Promise<FactId[]> {
  return db.getAllKeys('ackTracking');
}

export async function expectedAcks(db: IDBPDatabase<AuraDB>, factId: FactId): Promise<readonly AuthorityId[] | undefined> {
  return (await db.get('ackTracking', factId))?.expected;
}

/** The acks of a tracked fact, read with its tracking in one snapshot; undefined when it is not tracked. */
export async function acknowledgment(db: IDBPDatabase<AuraDB>, factId: FactId): Promise<Acknowledgment | undefined> {
  const tx = db.transaction(['ackTracking', 'acks'], 'readonly');
  const [tracking, acks] = await inTransaction(tx, Promise.all([tx.objectStore('ackTracking').getKey(factId), tx.objectStore('acks').getAll(acksOf(factId))]));
  return tracking === undefined ? undefined : acknowledgmentOf(acks);
}

/**
 * Stores acks of tracked facts, keeping each peer's earliest ack; acks of facts that are not tracked (never,
 * or no longer after GC) are dropped so they cannot pile up. Returns the facts whose acknowledgment changed,
 * sorted. Idempotent.
 */
export async function putAcks(db: IDBPDatabase<AuraDB>, records: readonly StoredAck[]): Promise<FactId[]> {
  if (records.length === 0) return [];
  const earliest = new Map<string, StoredAck>();
  for (const r of records) {
    const k = JSON.stringify([r.factId, r.peer]);
    const prev = earliest.get(k);
    if (prev === undefined || r.ackedAt < prev.ackedAt) earliest.set(k, { factId: r.factId, peer: r.peer, ackedAt: r.ackedAt });
  }
  const candidates = [...earliest.values()];
  const tx = db.transaction(['ackTracking', 'acks'], 'readwrite');
  const tracking = tx.objectStore('ackTracking');
  const acks = tx.objectStore('acks');
  const factIds = [...new Set(candidates.map((r) => r.factId))];
  const write = async (): Promise<StoredAck[]> => {
    const [tracked, stored] = await Promise.all([
      Promise.all(factIds.map((id) => tracking.getKey(id))),
      Promise.all(candidates.map((r) => acks.get([r.factId, r.peer]))),
    ]);
    const isTracked = new Set(factIds.filter((_, i) => tracked[i] !== undefined));
    const newer = candidates.filter((r, i) => {
      const prev = stored[i];
      return isTracked.has(r.factId) && (prev === undefined || r.ackedAt < prev.ackedAt);
    });
    await Promise.all(newer.map((r) => acks.put(r)));
    return newer;
  };
  const newer = await inTransaction(tx, write());
  return [...new Set(newer.map((r) => r.factId))].sort(compareStrings);
}

/**
 * The acks of those of `ids` that are tracked, read in one snapshot: what ack GC plans with, one transaction
 * per run rather than one per fact.
 */
export async function trackedAcknowledgments(db: IDBPDatabase<AuraDB>, ids: readonly FactId[]): Promise<Map<FactId, Acknowledgment>> {
  const unique = [...new Set(ids)].sort(compareStrings);
  if (unique.length === 0) return new Map();
  const tx = db.transaction(['ackTracking', 'acks'], 'readonly');
  const tracking = tx.objectStore('ackTracking');
  const acks = tx.objectStore('acks');
  const read = Promise.all(unique.map((id) => Promise.all([tracking.getKey(id), acks.getAll(acksOf(id))])));
  const rows = await inTransaction(tx, read);
  const out = new Map<FactId, Acknowledgment>();
  unique.forEach((id, i) => {
    const [tracked, records] = rows[i]!;
    if (tracked !== undefined) out.set(id, acknowledgmentOf(records));
  });
  return out;
}

/**
 * Forgets the tracking and every stored ack of the given facts, and writes each one's `AckSummary`, in ONE
 * transaction: a fact never has neither acks nor summary. The summary joins the acks stored at this moment
 * (an ack that landed after the plan was read is kept), the acks in `settled` and any earlier summary; its
 * expected peers are the policy's from `settled`, else the tracking's. Facts that are not tracked are left
 * as they are, so dropping twice changes nothing.
 */
export async function dropTracking(db: IDBPDatabase<AuraDB>, ids: readonly FactId[], settled: readonly SettledTracking[] = [], epoch = 0): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const given = new Map(settled.map((s) => [s.factId, s]));
  const tx = db.transaction(['ackTracking', 'acks', 'ackSummaries'], 'readwrite');
  const tracking = tx.objectStore('ackTracking');
  const acks = tx.objectStore('acks');
  const summaries = tx.objectStore('ackSummaries');
  const drop = async (factId: FactId): Promise<void> => {
    const [tracked, rows, prev] = await Promise.all([tracking.get(factId), acks.getAll(acksOf(factId)), summaries.get(factId)]);
    if (tracked === undefined) return;
    const s = given.get(factId);
    const { ackedBy } = acknowledgmentOf([...(prev?.ackedBy ?? []), ...(s?.acknowledgment.ackedBy ?? []), ...rows]);
    const expected = [...new Set(s?.expected ?? tracked.expected)].sort(compareStrings);
    await Promise.all([summaries.put({ factId, expected, ackedBy, epoch }), tracking.delete(factId), acks.delete(acksOf(factId))]);
  };
  await inTransaction(tx, Promise.all(unique.map(drop)));
}

/** Every summary of a dropped fact, in one read: cold start restores them with the acks. */
export async function ackSummaries(db: IDBPDatabase<AuraDB>): Promise<AckSummary[]> {
  return db.getAll('ackSummaries');
}

/** Every stored ack, in one read: cold start restores all evidence at once, not one fact at a time. */
export async function allAcks(db: IDBPDatabase<AuraDB>): Promise<StoredAck[]> {
  return db.getAll('acks');
}

/** A stale summary to discard, and the peers whose acks its fact is tracked for again (null: forget it). */
export interface Retrack {
  readonly factId: FactId;
  readonly expected: readonly AuthorityId[] | null;
}

/**
 * Discards the summaries of `entries` still stamped at or below `floor` (read again inside the transaction,
 * so one GC rewrote meanwhile is kept) and tracks each fact again for its expected peers, with no acks, in
 * ONE transaction: the fact is again collecting acks, which rebuild the summary when ack GC settles it.
 * Returns the facts whose summary was discarded, sorted.
 */
export async function retrackStale(db: IDBPDatabase<AuraDB>, entries: readonly Retrack[], floor: number): Promise<FactId[]> {
  if (entries.length === 0) return [];
  const tx = db.transaction(['ackTracking', 'acks', 'ackSummaries'], 'readwrite');
  const tracking = tx.objectStore('ackTracking');
  const summaries = tx.objectStore('ackSummaries');
  const one = async ({ factId, expected }: Retrack): Promise<FactId | null> => {
    const s = await summaries.get(factId);
    if (s === undefined || (s.epoch ?? 0) > floor) return null;
    await Promise.all([summaries.delete(factId), expected === null ? undefined : tracking.put({ factId, expected: [...new Set(expected)].sort(compareStrings) })]);
    return factId;
  };
  const done = await inTransaction(tx, Promise.all(entries.map(one)));
  return done.filter((id): id is FactId => id !== null).sort(compareStrings);
}
