import type { IDBPDatabase } from 'idb';
import type { ContextId } from '../core/ids.ts';
import { errorName, StoreError, toStoreError } from './errors.ts';
import type { AuraDB } from './schema.ts';
import { inTransaction } from './tx.ts';

export const DEVICE_SEED_BYTES = 32;

export async function getDeviceSeed(db: IDBPDatabase<AuraDB>): Promise<Uint8Array | undefined> {
  return db.get('keys', ['device']);
}

/**
 * Stores the device key's seed, once per profile: `add` refuses an existing seed inside the transaction,
 * so two racing tabs cannot both win. Rejects with `SeedExists` if a seed is already stored.
 */
export async function putDeviceSeed(db: IDBPDatabase<AuraDB>, seed: Uint8Array): Promise<void> {
  if (seed.length !== DEVICE_SEED_BYTES) throw new RangeError(`a device seed is ${DEVICE_SEED_BYTES} bytes, got ${seed.length}`);
  const tx = db.transaction('keys', 'readwrite');
  try {
    await inTransaction(tx, tx.store.add(seed.slice(), ['device']));
  } catch (e) {
    if (errorName(e) === 'ConstraintError') throw new StoreError('SeedExists', 'this profile already has a device key', { cause: e });
    throw toStoreError(e, 'write');
  }
}

export async function putContextSecret(db: IDBPDatabase<AuraDB>, contextId: ContextId, secret: Uint8Array): Promise<void> {
  const tx = db.transaction('keys', 'readwrite');
  await inTransaction(tx, tx.store.put(secret.slice(), ['context', contextId]));
}

export async function contextSecrets(db: IDBPDatabase<AuraDB>): Promise<Map<ContextId, Uint8Array>> {
  const range = IDBKeyRange.bound(['context'], ['context', []]);
  const tx = db.transaction('keys', 'readonly');
  const [keys, secrets] = await inTransaction(tx, Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range)]));
  return new Map(keys.map((k, i) => [k[1]!, secrets[i]!]));
}
