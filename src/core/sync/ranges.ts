import { compareBytes } from '../compare.ts';
import { boundBetween, type Bound } from './bound.ts';
import type { ItemSet } from './item-set.ts';

/** A sub-range by its upper bound and the sender's own positions [start, end) inside it. */
export interface Part {
  readonly upper: Bound;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits the sender's items at positions [i, j) (j − i ≥ 2) of a range ending at `upper` into `parts` runs of
 * near-equal size, cut at the shortest bound between neighbours. Both sides split only by their own items, so
 * the bounds need not match anything on the other side.
 */
export function split(set: ItemSet, i: number, j: number, upper: Bound, parts: number): Part[] {
  const n = Math.min(parts, j - i);
  const out: Part[] = [];
  let start = i;
  for (let k = 1; k <= n; k++) {
    const end = i + Math.floor(((j - i) * k) / n);
    out.push({ upper: k === n ? upper : boundBetween(set.at(end - 1), set.at(end)), start, end });
    start = end;
  }
  return out;
}

/** The ids at positions [i, j), sorted by bytes: the order of every IdList on the wire. */
export function sortedIds(set: ItemSet, i: number, j: number): Uint8Array[] {
  return set
    .slice(i, j)
    .map((item) => item.id)
    .sort(compareBytes);
}
