import { compareNumbers } from '../compare.ts';
import type { SyncItem } from './item.ts';

/**
 * A point of the key space between items: a time and an id prefix, read as the prefix padded with zeros to
 * 32 bytes. An item is below a bound when its (time, id) is smaller. Bounds are as short as possible: the
 * prefix is empty when the neighbours' times differ and otherwise one byte past their common prefix, so a
 * canonical prefix never ends in a zero byte.
 */
export interface Bound {
  readonly time: number;
  readonly prefix: Uint8Array;
}

/** Below every item. Every message's first range starts here. */
export const LOWEST: Bound = { time: 0, prefix: new Uint8Array(0) };
/** Above every item (item times stop at MAX_SAFE_INTEGER − 1). Encoded as time code 0. */
export const INFINITY: Bound = { time: Number.MAX_SAFE_INTEGER, prefix: new Uint8Array(0) };

export function isInfinity(b: Bound): boolean {
  return b.time === INFINITY.time;
}

/** Compares `prefix` with the first bytes of `id`, as if `prefix` were zero-padded to the id's length. */
function comparePadded(id: Uint8Array, prefix: Uint8Array): number {
  for (let i = 0; i < prefix.length; i++) {
    const d = id[i]! - prefix[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0; // the id's remaining bytes are ≥ the padding zeros
}

export function itemBelow(item: SyncItem, b: Bound): boolean {
  return item.time < b.time || (item.time === b.time && comparePadded(item.id, b.prefix) < 0);
}

export function compareBounds(a: Bound, b: Bound): number {
  const t = compareNumbers(a.time, b.time);
  if (t !== 0) return t;
  const n = Math.max(a.prefix.length, b.prefix.length);
  for (let i = 0; i < n; i++) {
    const d = (a.prefix[i] ?? 0) - (b.prefix[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The shortest bound above `prev` and at or below `next` (prev < next). */
export function boundBetween(prev: SyncItem, next: SyncItem): Bound {
  if (prev.time !== next.time) return { time: next.time, prefix: LOWEST.prefix };
  let k = 0;
  while (k < next.id.length && prev.id[k] === next.id[k]) k++;
  return { time: next.time, prefix: next.id.slice(0, k + 1) };
}
