import type { ItemSet } from './item-set.ts';
import { KEY_BYTES, compareKeysAt, keyCount, sortedKeys } from './key.ts';
import { resolveOptions, type ResolvedOptions, type SyncOptions } from './options.ts';
import { planDiffering } from './plan.ts';
import { compareCells, plausible, typicalDifferences } from './verdict.ts';
import { MAX_RANGE_HEAD_BYTES, MESSAGE_OVERHEAD, Mode, RoundWriter, SYNC_PROTOCOL_VERSION, decodeRound, type WireRange } from './wire.ts';

/** One input range with the responder's own positions [i, j) inside it. */
interface Place {
  readonly range: WireRange;
  readonly i: number;
  readonly j: number;
}

/**
 * The responder: a pure function of its set and the initiator's round, so it keeps no session state and a
 * peer can answer any number of initiators. A cell equal to ours is skipped; one item apart, we name the
 * item (ours, verified; theirs, for the initiator to verify); otherwise we send our keys or our cells of
 * sub-ranges. A Need we confirm is skipped. A list gets only the difference back, or, when that would not
 * fit a message, our own lists. When the round's messages are full, the rest goes back as Later.
 */
export function respond(set: ItemSet, round: readonly Uint8Array[], opts?: SyncOptions): Uint8Array[] {
  const o = resolveOptions(opts);
  const places = decodeRound(round, o.frameLimit, o.maxMessages, 'initiator').map((range) => ({
    range,
    i: set.rank(range.lower),
    j: set.rank(range.upper),
  }));
  const gaps = places.flatMap((p) => (p.range.mode === Mode.Cell ? [p.range.count - (p.j - p.i)] : []));
  const typical = typicalDifferences(gaps, o);
  const w = new RoundWriter(o.frameLimit, o.maxMessages);
  for (const p of places) {
    const unanswered = answer(set, w, p, typical, o);
    if (unanswered !== undefined) {
      w.later(unanswered);
      break;
    }
  }
  const out = w.finish();
  return out.length > 0 ? out : [Uint8Array.of(SYNC_PROTOCOL_VERSION)];
}

type Unanswered = WireRange['lower'] | undefined;

/** Answers one range; returns the bound from which nothing could be written, if the round filled up. */
function answer(set: ItemSet, w: RoundWriter, p: Place, typical: number, o: ResolvedOptions): Unanswered {
  const { range, i, j } = p;
  const { lower, upper } = range;
  const holds = (key: Uint8Array) => set.idsWithKeyIn(i, j, key).length > 0;
  const wrote = (ok: boolean): Unanswered => (ok ? undefined : lower);
  switch (range.mode) {
    case Mode.Cell: {
      const v = compareCells(set.cell(i, j), range);
      if (v.kind === 'equal') return undefined;
      if (v.kind === 'mine' && holds(v.key)) return wrote(w.key(Mode.Mine, lower, upper, v.key));
      if (v.kind === 'theirs' && plausible(typical) && !holds(v.key)) return wrote(w.key(Mode.Yours, lower, upper, v.key));
      return differ(set, w, p, v.kind === 'differs' ? v.gap : range.count - (j - i), typical, o);
    }
    case Mode.Need:
      return holds(range.key) ? undefined : differ(set, w, p, 0, typical, o);
    case Mode.IdList:
      return replyToList(set, w, p, range.keys, typical, o);
    default:
      throw new Error('unreachable: decodeRound refuses responder modes from an initiator');
  }
}

/** A range that differs: our keys, or our cells of its sub-ranges (see planDiffering). */
function differ(set: ItemSet, w: RoundWriter, p: Place, gap: number, typical: number, o: ResolvedOptions): Unanswered {
  const { kind, parts } = planDiffering(set, p.i, p.j, p.range.lower, p.range.upper, gap, typical, o);
  const cells = kind === 'cell' ? set.cells([p.i, ...parts.map((q) => q.end)]) : [];
  for (const [k, part] of parts.entries()) {
    const ok =
      kind === 'list'
        ? w.idList(part.lower, part.upper, sortedKeys(set, part.start, part.end))
        : w.cell(part.lower, part.upper, cells[k]!.count, cells[k]!.sum);
    if (!ok) return part.lower;
  }
  return undefined;
}

/**
 * Answers the initiator's full list of a range with only the difference: our keys it lacks, and one bit per
 * listed key we lack. If that could not fit even an empty message, we send our own keys (or cells) instead;
 * when our items there outnumber its list by more than a message holds, we know so without sorting them.
 */
function replyToList(set: ItemSet, w: RoundWriter, p: Place, theirs: Uint8Array, typical: number, o: ResolvedOptions): Unanswered {
  const { range, i, j } = p;
  const listed = keyCount(theirs);
  if (j - i - listed > o.maxListKeys) return differ(set, w, p, listed - (j - i), typical, o);
  const ours = sortedKeys(set, i, j);
  const missing = new Uint8Array(ours.length);
  let m = 0;
  const lacking = new Uint8Array(Math.ceil(listed / 8));
  let a = 0;
  let b = 0;
  while (a < keyCount(ours) || b < listed) {
    const c = a === keyCount(ours) ? 1 : b === listed ? -1 : compareKeysAt(ours, a, theirs, b);
    if (c < 0) {
      // Byte by byte: a view per key would cost an allocation per key.
      for (let k = 0; k < KEY_BYTES; k++) missing[m * KEY_BYTES + k] = ours[a * KEY_BYTES + k]!;
      a++;
      m++;
    } else if (c > 0) {
      lacking[b >>> 3]! |= 1 << (b & 7);
      b++;
    } else {
      a++;
      b++;
    }
  }
  const size = MESSAGE_OVERHEAD + MAX_RANGE_HEAD_BYTES + 6 + m * KEY_BYTES + lacking.length;
  if (size > o.frameLimit && j - i > 1) return differ(set, w, p, listed - (j - i), typical, o);
  return w.idListReply(range.lower, range.upper, missing.subarray(0, m * KEY_BYTES), listed, lacking) ? undefined : range.lower;
}
