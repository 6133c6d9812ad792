import type { ItemSet } from './item-set.ts';
import { ID_BYTES } from './item.ts';

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

/** ID_BYTES read once: some module loaders turn every read of an imported binding into a call. */
const ID = ID_BYTES;

/** Lists travel packed: keys back to back, KEY_BYTES each, so a list of thousands costs no allocation per key. */
export function keyCount(packed: Uint8Array): number {
  return packed.length / KEY_BYTES;
}

/** The a-th key of `x` against the b-th key of `y`, bytewise. */
export function compareKeysAt(x: Uint8Array, a: number, y: Uint8Array, b: number): number {
  for (let k = 0; k < KEY_BYTES; k++) {
    const d = x[a * KEY_BYTES + k]! - y[b * KEY_BYTES + k]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** A copy of the k-th key, as reported to the caller. */
export function keyAt(packed: Uint8Array, k: number): Uint8Array {
  return packed.slice(k * KEY_BYTES, (k + 1) * KEY_BYTES);
}

/**
 * The items at positions [i, j) in key order: their ids packed (ID each) and, per distinct key, the
 * index of its first id (then the count), so `keys` holds each distinct key once, packed.
 */
export interface KeyRuns {
  readonly ids: Uint8Array;
  readonly starts: readonly number[];
  readonly keys: Uint8Array;
}

/**
 * Groups the items at positions [i, j) by key. Linear in j − i (a byte-wise radix sort), with no allocation
 * per item, since a peer decides which of our ranges we group.
 */
export function keyRuns(set: ItemSet, i: number, j: number): KeyRuns {
  const packed = set.idBytes(i, j);
  const order = byKey(packed, ID);
  const ids = new Uint8Array(packed.length);
  // Copied a 32-bit word at a time: a view per id would cost an allocation per item.
  const [from, to] = [new Uint32Array(packed.buffer, packed.byteOffset, packed.length / 4), new Uint32Array(ids.buffer)];
  const starts: number[] = [];
  const keys = new Uint8Array(order.length * KEY_BYTES);
  for (let k = 0; k < order.length; k++) {
    for (let w = 0; w < ID / 4; w++) to[k * (ID / 4) + w] = from[order[k]! * (ID / 4) + w]!;
    if (k > 0 && sameBytes(ids, (k - 1) * ID, ids, k * ID)) continue;
    for (let b = 0; b < KEY_BYTES; b++) keys[starts.length * KEY_BYTES + b] = ids[k * ID + b]!;
    starts.push(k);
  }
  starts.push(order.length);
  return { ids, starts, keys: keys.subarray(0, (starts.length - 1) * KEY_BYTES) };
}

/** Copies of the ids of the g-th key of the runs. */
export function idsOfRun(runs: KeyRuns, g: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = runs.starts[g]!; k < runs.starts[g + 1]!; k++) out.push(runs.ids.slice(k * ID, (k + 1) * ID));
  return out;
}

/**
 * The distinct keys of the items at positions [i, j), sorted by bytes and packed: every list on the wire.
 * Sorts the keys alone (a quarter of the bytes of the ids), since lists are what a peer can ask for most.
 */
export function sortedKeys(set: ItemSet, i: number, j: number): Uint8Array {
  const keys = set.keyBytes(i, j);
  const order = byKey(keys, KEY_BYTES);
  const out = new Uint8Array(keys.length);
  let m = 0;
  for (let k = 0; k < order.length; k++) {
    const p = order[k]! * KEY_BYTES;
    if (m > 0 && sameBytes(out, (m - 1) * KEY_BYTES, keys, p)) continue;
    for (let b = 0; b < KEY_BYTES; b++) out[m * KEY_BYTES + b] = keys[p + b]!;
    m++;
  }
  return out.subarray(0, m * KEY_BYTES);
}

/** Whether the key at byte offset a of x equals the key at offset b of y. */
function sameBytes(x: Uint8Array, a: number, y: Uint8Array, b: number): boolean {
  for (let k = 0; k < KEY_BYTES; k++) if (x[a + k] !== y[b + k]) return false;
  return true;
}

/** Below this many items an insertion sort beats the radix sort's fixed cost of 8 × 257 counters. */
const RADIX_FROM = 64;

/** The indices of packed records (ids, or bare keys: `stride` bytes each) in key order, stably. */
function byKey(ids: Uint8Array, stride: number): Uint32Array {
  const n = ids.length / stride;
  let order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  if (n < RADIX_FROM) return insertionByKey(ids, stride, order);
  // Radix: least significant key byte first, each pass stable.
  let next = new Uint32Array(n);
  const starts = new Uint32Array(257);
  for (let b = KEY_BYTES - 1; b >= 0; b--) {
    starts.fill(0);
    for (let k = 0; k < n; k++) starts[ids[k * stride + b]! + 1]!++;
    for (let v = 0; v < 256; v++) starts[v + 1]! += starts[v]!;
    for (let k = 0; k < n; k++) {
      const p = order[k]!;
      next[starts[ids[p * stride + b]!]!++] = p;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** Sorts `order` by the keys of the ids it points at, stably; quadratic, so only for short runs. */
function insertionByKey(ids: Uint8Array, stride: number, order: Uint32Array): Uint32Array {
  for (let k = 1; k < order.length; k++) {
    const p = order[k]!;
    let q = k - 1;
    while (q >= 0 && keyAfter(ids, stride, order[q]!, p)) {
      order[q + 1] = order[q]!;
      q--;
    }
    order[q + 1] = p;
  }
  return order;
}

/** Whether the key of record a sorts strictly after the key of record b. */
function keyAfter(ids: Uint8Array, stride: number, a: number, b: number): boolean {
  for (let k = 0; k < KEY_BYTES; k++) {
    const d = ids[a * stride + k]! - ids[b * stride + k]!;
    if (d !== 0) return d > 0;
  }
  return false;
}
