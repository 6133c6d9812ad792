import type { IDBPDatabase } from 'idb';
import type { FactId, Namespace } from '../core/ids.ts';
import type { AuraDB } from './schema.ts';
import { inTransaction } from './tx.ts';

/** A namespace's latest completed snapshot as stored: its blob (content-addressed: `blobCid` names the bytes). */
export interface StoredSnapshot {
  readonly ns: Namespace;
  readonly epoch: number;
  readonly blobCid: string;
  readonly bytes: Uint8Array;
  /** How many facts the snapshot let this device prune, in all (shown on the Maintenance screen). */
  readonly pruned: number;
}

/**
 * Stores a snapshot (replacing the namespace's older one) and deletes the facts it covers with their ack
 * tracking, acks and ack summaries, in ONE
 * transaction: a crash leaves either the old snapshot with every fact or the new one without them — never
 * facts gone and no snapshot holding them.
 */
export async function saveSnapshot(db: IDBPDatabase<AuraDB>, snapshot: StoredSnapshot, prune: readonly FactId[]): Promise<void> {
  const tx = db.transaction(['snapshots', 'facts', 'ackTracking', 'ackSummaries', 'acks'], 'readwrite');
  const [facts, tracking, summaries, acks] = [tx.objectStore('facts'), tx.objectStore('ackTracking'), tx.objectStore('ackSummaries'), tx.objectStore('acks')];
  let put: Promise<unknown>;
  try {
    put = tx.objectStore('snapshots').put({ ...snapshot, bytes: snapshot.bytes.slice() });
  } catch (e) {
    // A record the store cannot key throws at once: abort, or the deletes below would commit without it.
    tx.done.catch(() => undefined);
    tx.abort();
    throw e;
  }
  // A pruned message is Finalized by the snapshot: the acks collected for it would only be read at every start.
  const gone = prune.flatMap((id) => [facts.delete(id), tracking.delete(id), summaries.delete(id), acks.delete(IDBKeyRange.bound([id], [id, []]))]);
  await inTransaction(tx, Promise.all([put, ...gone]));
}

export function loadSnapshots(db: IDBPDatabase<AuraDB>): Promise<StoredSnapshot[]> {
  return db.getAll('snapshots');
}

export function loadSnapshot(db: IDBPDatabase<AuraDB>, ns: Namespace): Promise<StoredSnapshot | undefined> {
  return db.get('snapshots', ns);
}
