import { bytesEqual } from '../encoding/bytes.ts';
import { subtractKeys, type Cell } from './key.ts';
import type { ResolvedOptions } from './options.ts';

/**
 * How our cell of a range compares with theirs. One item apart, the difference of the key sums *is* that
 * item's key — unverified: only the side holding the item can confirm it, by finding the key in its range.
 */
export type Verdict =
  | { readonly kind: 'equal' }
  | { readonly kind: 'mine'; readonly key: Uint8Array }
  | { readonly kind: 'theirs'; readonly key: Uint8Array }
  | { readonly kind: 'differs'; readonly gap: number };

export function compareCells(ours: Cell, theirs: Cell): Verdict {
  const gap = theirs.count - ours.count;
  if (gap === 0 && bytesEqual(ours.sum, theirs.sum)) return { kind: 'equal' };
  if (gap === -1) return { kind: 'mine', key: subtractKeys(ours.sum, theirs.sum) };
  if (gap === 1) return { kind: 'theirs', key: subtractKeys(theirs.sum, ours.sum) };
  return { kind: 'differs', gap };
}

/**
 * The typical number of differences per range of a round: when differences fall on either side at random, a
 * range's count gap is a sum of ±1s, so the mean squared gap estimates how many a range holds. Gaps are
 * capped first, so a huge claimed count cannot blow the estimate up.
 */
export function typicalDifferences(gaps: readonly number[], o: ResolvedOptions): number {
  if (gaps.length === 0) return 0;
  const squares = gaps.reduce((n, g) => n + Math.min(Math.abs(g), o.maxFanOut) ** 2, 0);
  return Math.floor(squares / gaps.length);
}

/**
 * Whether a cell one item apart most likely holds just that item, so that a key decoded from it is worth
 * naming to the other side for checking. Where ranges typically hold several differences, a gap of one is
 * mostly chance and the range is split instead. (A key of our own is always worth checking: we can.)
 */
export function plausible(typical: number): boolean {
  return typical < 2;
}

/**
 * How many differences a range that failed to decode seems to hold: at least 2, or 3 when its counts are one
 * apart, or |gap|; and at least what is typical for the round.
 */
export function expectedDifferences(gap: number, typical: number): number {
  const atLeast = Math.abs(gap) === 1 ? 3 : Math.max(2, Math.abs(gap));
  return Math.max(atLeast, typical);
}
