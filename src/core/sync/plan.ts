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

/** One list of the whole range, or cells of its sub-ranges. */
export interface Plan {
  readonly kind: 'list' | 'cell';
  readonly parts: readonly Part[];
}

/**
 * What to send for a range that differs, from the sender's items at positions [i, j): its keys, when it holds
 * few items or about as many items as differences, and they fit one message; otherwise its cells of
 * sub-ranges, about `cellsPerDifference` per difference, so that most differences sit alone in a cell and
 * decode from the sums. Never a list longer than a message: the gap is the peer's claim, and a claimed
 * difference of everything must cost us cells (a few per byte we send), not a sort of the whole set.
 */
export function planDiffering(set: ItemSet, i: number, j: number, lower: Bound, upper: Bound, gap: number, typical: number, o: ResolvedOptions): Plan {
  const own = j - i;
  const expected = expectedDifferences(gap, typical);
  if (own <= Math.min(o.maxListKeys, Math.max(o.leafThreshold, LIST_PER_DIFFERENCE * expected))) return { kind: 'list', parts: [{ lower, upper, start: i, end: j }] };
  const fewest = own >= WIDE * WIDE ? WIDE : 2;
  const cells = Math.max(fewest, Math.min(o.maxFanOut, own, o.cellsPerDifference * expected));
  return { kind: 'cell', parts: split(set, i, j, lower, upper, cells) };
}
