import type { Bound } from './bound.ts';
import type { ItemSet } from './item-set.ts';

/** A sub-range by its bounds and the sender's own positions [start, end) inside it. */
export interface Part {
  readonly lower: Bound;
  readonly upper: Bound;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits the sender's items at positions [i, j) (j − i ≥ 2) of the range [lower, upper) into `parts` runs of
 * near-equal size, cut at the shortest bound between neighbours. Both sides split only by their own items, so
 * the bounds need not match anything on the other side.
 */
export function split(set: ItemSet, i: number, j: number, lower: Bound, upper: Bound, parts: number): Part[] {
  const n = Math.min(parts, j - i);
  const out: Part[] = [];
  let start = i;
  let from = lower;
  for (let k = 1; k <= n; k++) {
    const end = i + Math.floor(((j - i) * k) / n);
    const to = k === n ? upper : set.boundBefore(end);
    out.push({ lower: from, upper: to, start, end });
    start = end;
    from = to;
  }
  return out;
}
