import { unwrap, type IDBPDatabase } from 'idb';
import type { ValidatedFact } from '../core/facts/fact.ts';
import type { ContextId } from '../core/ids.ts';
import { StoreError, toStoreError } from './errors.ts';
import { factRecord } from './fact-record.ts';
import { DEVICE_SEED_BYTES } from './keys.ts';
import type { AuraDB } from './schema.ts';
import type { StoredSnapshot } from './snapshots.ts';

/** Everything a restored profile is made of, written together or not at all. */
export interface ProfileImage {
  /** Replaces the seed the fresh profile drew at first start (nothing was signed with it: no identity, no facts). */
  readonly seed: Uint8Array;
  readonly secrets: readonly (readonly [ContextId, Uint8Array])[];
  readonly meta: readonly (readonly [string, unknown])[];
  readonly facts: readonly ValidatedFact[];
  /** Each namespace's latest snapshot: its blob holds the messages its journal no longer does. */
  readonly snapshots: readonly StoredSnapshot[];
}

/**
 * Writes a whole profile in ONE readwrite transaction over facts, keys, meta and snapshots, only into an empty one: the
 * transaction itself first reads `guardMeta` (the identity record) and counts the facts, and aborts when
 * either is there (`ProfileNotEmpty`), so two tabs racing cannot both restore, nor restore over an identity.
 * Any failure (quota, a value that cannot be cloned, a dying tab) aborts the whole: nothing is left behind.
 */
export async function restoreProfile(db: IDBPDatabase<AuraDB>, image: ProfileImage, guardMeta: string): Promise<void> {
  if (image.seed.length !== DEVICE_SEED_BYTES) throw new RangeError(`a device seed is ${DEVICE_SEED_BYTES} bytes`);
  let tx: IDBTransaction;
  try {
    tx = unwrap(db).transaction(['facts', 'keys', 'meta', 'snapshots'], 'readwrite');
  } catch (e) {
    throw toStoreError(e, 'write');
  }
  let refused = false;
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () =>
      reject(refused ? new StoreError('ProfileNotEmpty', 'this profile already has an identity or facts') : toStoreError(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'), 'write'));
  });
  try {
    const meta = tx.objectStore('meta');
    const facts = tx.objectStore('facts');
    const identity = meta.getKey(guardMeta);
    const count = facts.count();
    // Requests of one transaction complete in order: both answers are in when the count's arrives.
    count.onsuccess = () => {
      if (identity.result !== undefined || count.result > 0) {
        refused = true;
        tx.abort();
        return;
      }
      try {
        write(tx, image);
      } catch {
        // A synchronous failure (DataCloneError) of one put: nothing of the image may stay.
        tx.abort();
      }
    };
  } catch (e) {
    tx.abort();
    await done.catch(() => undefined);
    throw toStoreError(e, 'write');
  }
  await done;
}

function write(tx: IDBTransaction, image: ProfileImage): void {
  const keys = tx.objectStore('keys');
  keys.put(image.seed.slice(), ['device']);
  for (const [context, secret] of image.secrets) keys.put(secret.slice(), ['context', context]);
  const meta = tx.objectStore('meta');
  for (const [key, value] of image.meta) meta.put(value, key);
  const facts = tx.objectStore('facts');
  for (const f of image.facts) facts.put(factRecord(f));
  const snapshots = tx.objectStore('snapshots');
  for (const snapshot of image.snapshots) snapshots.put({ ...snapshot, bytes: snapshot.bytes.slice() });
}
