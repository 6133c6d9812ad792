import { compareBytes } from '../compare.ts';
import type { ItemSet } from './item-set.ts';

/**
 * An item's key: the first 8 bytes of its id. Cells sum keys, lists name items by key and a fetch asks for
 * facts by key, so a difference costs 8 bytes where a whole id costs 32. Ids are SHA-256 digests, so keys
 * of honest facts collide with probability ~n²/2^65; a fact crafted to share a key only hides itself or its
 * twin from reconciliation, and every lookup by key returns all items that share it.
 */
export const KEY_BYTES = 8;

/** A position range's count and the sum of its keys mod 2^64 (8 bytes, little-endian). */
export interface Cell {
  readonly count: number;
  readonly sum: Uint8Array;
}

/** (a − b) mod 2^64 of two little-endian 8-byte values: the key of the one item two cells differ by. */
export function subtractKeys(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  let borrow = 0;
  for (let k = 0; k < KEY_BYTES; k++) {
    const v = a[k]! - b[k]! - borrow;
    borrow = v < 0 ? 1 : 0;
    out[k] = v & 0xff;
  }
  return out;
}

/** A key and the ids that share it. */
export interface KeyGroup {
  readonly key: Uint8Array;
  readonly ids: Uint8Array[];
}

/** The items at positions [i, j) grouped by key, sorted by key bytes: one pass, however many keys are asked. */
export function keyGroups(set: ItemSet, i: number, j: number): KeyGroup[] {
  const ids = set
    .slice(i, j)
    .map((item) => item.id)
    .sort(compareBytes);
  const groups: KeyGroup[] = [];
  for (const id of ids) {
    const key = id.subarray(0, KEY_BYTES);
    const last = groups[groups.length - 1];
    if (last !== undefined && compareBytes(last.key, key) === 0) last.ids.push(id.slice());
    else groups.push({ key, ids: [id.slice()] });
  }
  return groups;
}

/** The distinct keys of the items at positions [i, j), sorted by bytes: the order of every list on the wire. */
export function sortedKeys(set: ItemSet, i: number, j: number): Uint8Array[] {
  return keyGroups(set, i, j).map((g) => g.key);
}
