import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { compareBytes, compareNumbers } from '../compare.ts';
import type { FactId } from '../ids.ts';
import { MAX_WALL_TIME } from '../limits.ts';

/**
 * What anti-entropy reconciles: a fact's HLC wall time and the sha2-256 digest inside its FactId. Ordered by
 * time, then id bytes, so recent facts sit together and ranges of the key space are ranges of history.
 */
export interface SyncItem {
  readonly time: number;
  readonly id: Uint8Array;
}

export const ID_BYTES = 32;
/** Largest item time: the largest valid wall time, so every valid fact has an item (see limits.ts). */
export const MAX_ITEM_TIME = MAX_WALL_TIME;

const DAG_CBOR = 0x71;
const SHA2_256 = 0x12;

export function checkItem(item: SyncItem): void {
  if (!Number.isSafeInteger(item.time) || item.time < 0 || item.time > MAX_ITEM_TIME) {
    throw new RangeError(`sync item time must be an integer in [0, ${MAX_ITEM_TIME}]: ${item.time}`);
  }
  if (!(item.id instanceof Uint8Array) || item.id.length !== ID_BYTES) throw new RangeError('sync item id must be 32 bytes');
}

export function syncItemOf(factId: FactId, wall: number): SyncItem {
  const cid = CID.parse(factId);
  if (cid.version !== 1 || cid.code !== DAG_CBOR || cid.multihash.code !== SHA2_256) {
    throw new RangeError(`not a FactId (CIDv1 dag-cbor sha2-256): ${factId}`);
  }
  const item = { time: wall, id: cid.multihash.digest.slice() };
  checkItem(item);
  return item;
}

/** The FactId whose digest this is: what a node asks its store for after reconciliation names a need. */
export function factIdOf(digest: Uint8Array): FactId {
  if (digest.length !== ID_BYTES) throw new RangeError('digest must be 32 bytes');
  return CID.createV1(DAG_CBOR, createDigest(SHA2_256, digest)).toString();
}

export function compareItems(a: SyncItem, b: SyncItem): number {
  return compareNumbers(a.time, b.time) || compareBytes(a.id, b.id);
}
