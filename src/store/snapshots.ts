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
 * Stores a snapshot (replacing the namespace's older one) and deletes the facts it covers, in ONE
 * transaction: a crash leaves either the old snapshot with every fact or the new one without them — never
 * facts gone and no snapshot holding them.
 */
export async function saveSnapshot(db: IDBPDatabase<AuraDB>, snapshot: StoredSnapshot, prune: readonly FactId[]): Promise<void> {
  const tx = db.transaction(['snapshots', 'facts'], 'readwrite');
  const facts = tx.objectStore('facts');
  await inTransaction(tx, Promise.all([tx.objectStore('snapshots').put({ ...snapshot, bytes: snapshot.bytes.slice() }), ...prune.map((id) => facts.delete(id))]));
}

export function loadSnapshots(db: IDBPDatabase<AuraDB>): Promise<StoredSnapshot[]> {
  return db.getAll('snapshots');
}
