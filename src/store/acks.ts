import type { IDBPDatabase } from 'idb';
import { compareStrings } from '../core/compare.ts';
import { acknowledgmentOf, type Acknowledgment } from '../core/consistency/acknowledgment.ts';
import type { AuthorityId, FactId } from '../core/ids.ts';
import type { AuraDB, StoredAck } from './schema.ts';
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

/** Forgets the tracking and every stored ack of the given facts in one transaction. */
export async function dropTracking(db: IDBPDatabase<AuraDB>, ids: readonly FactId[]): Promise<void> {
  if (ids.length === 0) return;
  const tx = db.transaction(['ackTracking', 'acks'], 'readwrite');
  const tracking = tx.objectStore('ackTracking');
  const acks = tx.objectStore('acks');
  await inTransaction(tx, Promise.all([...new Set(ids)].flatMap((id) => [tracking.delete(id), acks.delete(acksOf(id))])));
}

/** Every stored ack, in one read: cold start restores all evidence at once, not one fact at a time. */
export async function allAcks(db: IDBPDatabase<AuraDB>): Promise<StoredAck[]> {
  return db.getAll('acks');
}
