import type { Bound } from './bound.ts';
import type { ItemSet } from './item-set.ts';
import type { ResolvedOptions } from './options.ts';
import { split, type Part } from './ranges.ts';
import { expectedDifferences } from './verdict.ts';

/** Listing costs 8 bytes an item and settles the range; cells cost ~13 bytes each, two per difference. */
const LIST_PER_DIFFERENCE = 3;
/**
 * Fewest cells a large range is split into. Count gaps can hide differences (as many on each side), and a
 * range of many items that differs deserves a wide split rather than a slow descent, one level per round trip.
 */
const WIDE = 16;

export interface Planned extends Part {
  readonly kind: 'list' | 'cell';
}

/**
 * What to send for a range that differs, from the sender's items at positions [i, j): its keys, when it holds
 * few items or about as many items as differences (in as many lists as the frame needs); otherwise its cells
 * of sub-ranges, about `cellsPerDifference` per difference, so that most differences sit alone in a cell and
 * decode from the sums.
 */
export function planDiffering(set: ItemSet, i: number, j: number, lower: Bound, upper: Bound, gap: number, typical: number, o: ResolvedOptions): Planned[] {
  const own = j - i;
  const expected = expectedDifferences(gap, typical);
  if (own <= Math.max(o.leafThreshold, LIST_PER_DIFFERENCE * expected)) {
    const lists = Math.ceil(own / o.maxListKeys);
    const parts = lists <= 1 ? [{ lower, upper, start: i, end: j }] : split(set, i, j, lower, upper, lists);
    return parts.map((p) => ({ ...p, kind: 'list' }));
  }
  const fewest = own >= WIDE * WIDE ? WIDE : 2;
  const cells = Math.max(fewest, Math.min(o.maxFanOut, own, o.cellsPerDifference * expected));
  return split(set, i, j, lower, upper, cells).map((p) => ({ ...p, kind: 'cell' }));
}
