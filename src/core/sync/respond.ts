import { compareBytes } from '../compare.ts';
import { bytesEqual } from '../encoding/bytes.ts';
import { INFINITY, LOWEST, itemBelow, type Bound } from './bound.ts';
import type { ItemSet } from './item-set.ts';
import { ID_BYTES } from './item.ts';
import { resolveOptions, type ResolvedOptions, type SyncOptions } from './options.ts';
import { sortedIds, split } from './ranges.ts';
import { limbsFromBytes, limbsToBytes, subLimbs } from './u256.ts';
import { CONTINUE_RESERVE, MAX_RANGE_HEAD_BYTES, MessageWriter, Mode, decodeMessage, type WireRange } from './wire.ts';

/** Sub-ranges per expected difference: about half a difference each, so most that differ are one item apart. */
const SPLIT_PER_DIFFERENCE = 2;

/** One input range, with its bounds and the responder's own positions [i, j) inside it. */
interface Place {
  readonly range: WireRange;
  readonly lower: Bound;
  readonly upper: Bound;
  readonly i: number;
  readonly j: number;
}

/** A place and how it compares with ours. */
interface Span extends Place {
  readonly verdict: Verdict;
  /** For a Sum: the initiator's count minus ours, a lower bound on how many items the range is apart. */
  readonly gap: number;
}

/** For a Fingerprint, Continue or Sum: equal, one item apart (with the item), or different. */
type Verdict = 'equal' | 'differs' | { readonly mine: Uint8Array } | { readonly yours: Uint8Array } | undefined;

/**
 * The responder: a pure function of its set and the initiator's message, so it keeps no session state and a
 * peer can answer any number of initiators. Input ranges are answered in order, each answer all or nothing;
 * when the next answer does not fit the frame, the rest of the key space goes back as one Continue.
 */
export function respond(set: ItemSet, message: Uint8Array, opts?: SyncOptions): Uint8Array {
  const o = resolveOptions(opts);
  const spans = compare(set, decodeMessage(message, o.frameLimit, 'initiator'));
  const sums = spans.filter((s) => s.range.mode === Mode.Sum);
  // Gaps are capped first: a huge claimed count must not turn the estimate into a float.
  const squares = sums.reduce((n, s) => n + Math.min(Math.abs(s.gap), o.maxBranching) ** 2, 0);
  const typicalGap = sums.length === 0 ? 0 : Math.floor(squares / sums.length);
  const w = new MessageWriter(o.frameLimit);
  for (const s of spans) {
    if (!w.tryGroup(() => answer(set, w, s, fanOut(s, typicalGap, o), o))) {
      w.fingerprint(INFINITY, set.fingerprint(s.i, set.size), Mode.Continue);
      break;
    }
  }
  return w.finish();
}

function compare(set: ItemSet, ranges: WireRange[]): Span[] {
  let lower: Bound = LOWEST;
  let i = 0;
  return ranges.map((range) => {
    const j = set.rank(range.upper);
    const s = { range, lower, upper: range.upper, i, j };
    let verdict: Verdict;
    let gap = 0;
    if (range.mode === Mode.Fingerprint || range.mode === Mode.Continue) {
      verdict = bytesEqual(set.fingerprint(i, j), range.fingerprint) ? 'equal' : 'differs';
    } else if (range.mode === Mode.Sum) {
      verdict = compareSum(set, s, range.count, range.sum);
      gap = range.count - (j - i);
    }
    lower = range.upper;
    i = j;
    return { ...s, verdict, gap };
  });
}

/**
 * How many sub-ranges to split a differing range into, aiming at about one difference each. A count gap of g
 * means at least |g| differences; and when differences fall on either side at random, the mean squared gap
 * over a message's sums estimates how many differences a range holds — exactly the number, on average.
 */
function fanOut(s: Span, typicalGap: number, o: ResolvedOptions): number {
  const atLeast = s.range.mode === Mode.Sum ? 2 : 1; // a sum that was not one apart is at least two apart
  const expected = Math.max(atLeast, Math.abs(s.gap), typicalGap);
  return Math.min(o.maxBranching, Math.max(o.branching, SPLIT_PER_DIFFERENCE * expected));
}

/**
 * Compares the initiator's count and sum with ours. One item apart, the difference of the sums is that
 * item's id: ours only if it really is in our range; theirs is for the initiator to confirm in its own range.
 */
function compareSum(set: ItemSet, s: Place, count: number, sum: Uint8Array): Verdict {
  const own = set.sum(s.i, s.j);
  const theirs = limbsFromBytes(sum);
  const ours = s.j - s.i;
  if (ours === count && bytesEqual(limbsToBytes(own, 0), sum)) return 'equal';
  if (ours === count + 1) {
    subLimbs(own, 0, theirs, 0);
    const id = limbsToBytes(own, 0);
    if (holds(set, s, id)) return { mine: id };
  } else if (count === ours + 1) {
    subLimbs(theirs, 0, own, 0);
    const id = limbsToBytes(theirs, 0);
    if (!set.has(id)) return { yours: id };
  }
  return 'differs';
}

function holds(set: ItemSet, s: Place, id: Uint8Array): boolean {
  const time = set.timeOf(id);
  if (time === undefined) return false;
  const item = { time, id };
  return !itemBelow(item, s.lower) && itemBelow(item, s.upper);
}

function answer(set: ItemSet, w: MessageWriter, s: Span, branching: number, o: ResolvedOptions): void {
  const { range, verdict } = s;
  if (range.mode === Mode.Skip || verdict === 'equal') w.skip(s.upper);
  // A Continue only says the initiator has more to send; answering it with a split would be wasted.
  else if (range.mode === Mode.Continue) w.fingerprint(INFINITY, set.fingerprint(s.i, s.j), Mode.Continue);
  else if (range.mode === Mode.IdList) replyToList(set, w, s, range.ids, branching, o);
  else if (typeof verdict === 'object') {
    if ('mine' in verdict) w.mine(s.upper, verdict.mine);
    else w.yours(s.upper, verdict.yours);
  } else differ(set, w, s, branching, o);
}

/** A range that differs: list it when small, else split it into fingerprinted sub-ranges. */
function differ(set: ItemSet, w: MessageWriter, s: Span, branching: number, o: ResolvedOptions): void {
  if (s.j - s.i <= o.leafThreshold) w.idList(s.upper, sortedIds(set, s.i, s.j));
  else splitAll(set, w, s, branching);
}

function splitAll(set: ItemSet, w: MessageWriter, s: Span, branching: number): void {
  for (const part of split(set, s.i, s.j, s.upper, branching)) w.fingerprint(part.upper, set.fingerprint(part.start, part.end));
}

/**
 * Answers the initiator's full list of a range with only the difference: our ids it lacks, and one bit per
 * listed id we lack. If that answer could not fit even an empty frame, the range is split instead, and the
 * initiator lists the smaller sub-ranges.
 */
function replyToList(set: ItemSet, w: MessageWriter, s: Span, theirs: readonly Uint8Array[], branching: number, o: ResolvedOptions): void {
  const fixed = 1 + CONTINUE_RESERVE + 2 * MAX_RANGE_HEAD_BYTES + 6 + Math.ceil(theirs.length / 8);
  const fits = (missing: number): boolean => fixed + missing * ID_BYTES <= o.frameLimit;
  const count = s.j - s.i;
  if (count > 1 && !fits(count - theirs.length)) {
    splitAll(set, w, s, branching);
    return;
  }
  const ours = sortedIds(set, s.i, s.j);
  const missing: Uint8Array[] = [];
  const lacking = new Uint8Array(Math.ceil(theirs.length / 8));
  let a = 0;
  let b = 0;
  while (a < ours.length || b < theirs.length) {
    const c = a === ours.length ? 1 : b === theirs.length ? -1 : compareBytes(ours[a]!, theirs[b]!);
    if (c < 0) missing.push(ours[a++]!);
    else if (c > 0) {
      lacking[b >>> 3]! |= 1 << (b & 7);
      b++;
    } else {
      a++;
      b++;
    }
  }
  if (count > 1 && !fits(missing.length)) splitAll(set, w, s, branching);
  else w.idListReply(s.upper, missing, theirs.length, lacking);
}
