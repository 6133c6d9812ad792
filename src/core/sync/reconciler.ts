import { toHex } from '../encoding/bytes.ts';
import { INFINITY, LOWEST, compareBounds, type Bound } from './bound.ts';
import { SyncProtocolError } from './errors.ts';
import type { ItemSet } from './item-set.ts';
import { compareKeysAt, idsOfRun, keyAt, keyCount, keyRuns, sortedKeys, type Cell } from './key.ts';
import { resolveOptions, type ResolvedOptions, type SyncOptions } from './options.ts';
import { planDiffering } from './plan.ts';
import { split } from './ranges.ts';
import { compareCells, plausible, typicalDifferences } from './verdict.ts';
import { Mode, RoundWriter, decodeRound, type WireRange } from './wire.ts';

/** What the initiator means to send for one range; payloads are computed from the set when it is written. */
interface Step {
  readonly lower: Bound;
  readonly upper: Bound;
  readonly kind: 'cell' | 'list' | 'need';
  readonly key?: Uint8Array;
}

export interface ReconcileResult {
  /** The next round for the responder, or null when the sets are reconciled. */
  readonly next: Uint8Array[] | null;
  /** Ids we have and the responder lacks (found in this round). */
  readonly have: Uint8Array[];
  /** Keys (first 8 bytes of ids) of items the responder has and we lack (found in this round). */
  readonly need: Uint8Array[];
}

/**
 * Rounds allowed: a base for the depth of the range tree, plus one per message's worth of keys on either side
 * (our items and the differences found so far). An honest exchange stays far below it; a responder that keeps
 * answering without making us learn anything is cut off.
 */
const BASE_ROUNDS = 32;
const BYTES_PER_ITEM = 16;

const byLower = (a: Step, b: Step): number => compareBounds(a.lower, b.lower);

/**
 * The initiator. It opens with its cells (count and key sum) of a few ranges; the responder answers equal
 * cells with nothing, cells one item apart with that item's key, and the rest with its own keys or its own
 * cells of sub-ranges. We compare those with ours the same way, and so on, until every range is settled:
 *   - an item of ours the responder names, or that a reply cell one apart decodes to, is checked against our
 *     range and reported as `have`;
 *   - an item of theirs decoded from a reply cell goes back as a Need, and is reported once the responder
 *     confirms it (a Skip over the Need); one the responder names as Mine, or lists, is reported at once.
 * It is the only side with state: what it sent last (to re-send what a Later left unanswered) and what did
 * not fit the round.
 */
export class Reconciler {
  private readonly o: ResolvedOptions;
  private sent: Step[] = [];
  private deferred: Step[] = [];
  private rounds = 0;
  private waiting = false;
  private readonly reported = new Set<string>();

  constructor(
    private readonly set: ItemSet,
    opts?: SyncOptions,
  ) {
    this.o = resolveOptions(opts);
  }

  initiate(): Uint8Array[] {
    this.rounds = 0;
    this.reported.clear();
    this.deferred = [];
    const n = this.set.size;
    const steps: Step[] =
      n <= this.o.leafThreshold
        ? [{ lower: LOWEST, upper: INFINITY, kind: 'list' }]
        : split(this.set, 0, n, LOWEST, INFINITY, this.o.firstCells).map((p) => ({ lower: p.lower, upper: p.upper, kind: 'cell' }));
    return this.emit(steps)!;
  }

  reconcile(replies: readonly Uint8Array[]): ReconcileResult {
    if (!this.waiting) throw new Error('Reconciler: no round in flight (call initiate(), or the session is over)');
    this.rounds++;
    const budget = this.o.maxRounds ?? BASE_ROUNDS + Math.ceil(((this.set.size + this.reported.size) * BYTES_PER_ITEM) / this.o.frameLimit);
    if (this.rounds > budget) throw new SyncProtocolError('TooManyRounds', `no agreement after ${budget} rounds`);
    const ranges = decodeRound(replies, this.o.frameLimit, this.o.maxMessages, 'responder');
    this.checkInside(ranges);
    const found = { have: [] as Uint8Array[], need: [] as Uint8Array[] };
    const places = ranges.map((range) => ({ range, i: this.set.rank(range.lower), j: this.set.rank(range.upper) }));
    const gaps = places.flatMap((p) => (p.range.mode === Mode.Cell ? [p.range.count - (p.j - p.i)] : []));
    const typical = typicalDifferences(gaps, this.o);
    const later = ranges.find((r) => r.mode === Mode.Later)?.lower;
    this.confirmNeeds(ranges, later, found);
    const steps: Step[] = [...this.deferred];
    if (later !== undefined) steps.push(...this.unanswered(later));
    for (const p of places) steps.push(...this.answer(p, typical, found));
    return { next: this.emit(steps.sort(byLower)), ...found };
  }

  private answer(p: Place, typical: number, found: Found): Step[] {
    const { range, i, j } = p;
    const { lower, upper } = range;
    const differ = (gap: number): Step[] => {
      const { kind, parts } = planDiffering(this.set, i, j, lower, upper, gap, typical, this.o);
      return parts.map((q) => ({ lower: q.lower, upper: q.upper, kind }));
    };
    const ours = (key: Uint8Array) => this.set.idsWithKeyIn(i, j, key);
    switch (range.mode) {
      case Mode.Cell: {
        // Nothing of theirs here: every item of ours is one they lack.
        if (range.count === 0) return this.reportAll(this.set.slice(i, j).map((x) => x.id), found.have);
        const v = compareCells(this.set.cell(i, j), range);
        if (v.kind === 'equal') return [];
        const held = v.kind === 'differs' ? [] : ours(v.key);
        if (v.kind === 'mine' && held.length > 0) return this.reportAll(held, found.have);
        if (v.kind === 'theirs' && plausible(typical) && held.length === 0) return [{ lower, upper, kind: 'need', key: v.key }];
        return differ(range.count - (j - i));
      }
      case Mode.IdList:
        this.compareList(i, j, range.keys, found);
        return [];
      case Mode.IdListReply: {
        const listed = keyRuns(this.set, i, j);
        // Our items there changed since we listed them, so the bitfield no longer lines up: list them again.
        if (keyCount(listed.keys) !== range.listed) return [{ lower, upper, kind: 'list' }];
        for (let g = 0; g < range.listed; g++) if ((range.lacking[g >>> 3]! >> (g & 7)) & 1) this.reportAll(idsOfRun(listed, g), found.have);
        this.reportMissing(listed.keys, range.keys, found);
        return [];
      }
      case Mode.Mine:
        if (ours(range.key).length > 0) return differ(0);
        this.report(range.key, found.need);
        return [];
      case Mode.Yours: {
        const ids = ours(range.key);
        return ids.length > 0 ? this.reportAll(ids, found.have) : differ(0);
      }
      case Mode.Later:
        return [];
      default:
        throw new Error('unreachable: decodeRound refuses initiator modes from a responder');
    }
  }

  /**
   * A Need the responder answered with a Skip is confirmed: nothing it sent lies inside it. One it answered
   * with its keys or cells is settled by those; one beyond a Later is sent again.
   */
  private confirmNeeds(ranges: readonly WireRange[], later: Bound | undefined, found: Found): void {
    let r = 0;
    for (const s of this.sent) {
      if (s.kind !== 'need') continue;
      if (later !== undefined && compareBounds(s.upper, later) > 0) continue;
      while (r < ranges.length && compareBounds(ranges[r]!.lower, s.lower) < 0) r++;
      const inside = r < ranges.length && compareBounds(ranges[r]!.lower, s.upper) < 0;
      if (!inside) this.report(s.key!, found.need);
    }
  }

  /** What we sent from `later` on, which the responder did not answer: the same ranges, cut at `later`. */
  private unanswered(later: Bound): Step[] {
    return this.sent
      .filter((s) => compareBounds(s.upper, later) > 0)
      .map((s) => (compareBounds(s.lower, later) < 0 ? { ...s, lower: later, kind: s.kind === 'need' ? 'cell' : s.kind } : s));
  }

  /** The responder's whole list of a range against ours: an exact answer, both ways. */
  private compareList(i: number, j: number, theirs: Uint8Array, found: Found): void {
    const ours = keyRuns(this.set, i, j);
    let a = 0;
    let b = 0;
    while (a < keyCount(ours.keys) || b < keyCount(theirs)) {
      const c = a === keyCount(ours.keys) ? 1 : b === keyCount(theirs) ? -1 : compareKeysAt(ours.keys, a, theirs, b);
      if (c < 0) this.reportAll(idsOfRun(ours, a++), found.have);
      else if (c > 0) this.report(keyAt(theirs, b++), found.need);
      else {
        a++;
        b++;
      }
    }
  }

  /** The keys of `theirs` (sorted) that `ours` (sorted) lacks are needed. */
  private reportMissing(ours: Uint8Array, theirs: Uint8Array, found: Found): void {
    let a = 0;
    for (let b = 0; b < keyCount(theirs); b++) {
      while (a < keyCount(ours) && compareKeysAt(ours, a, theirs, b) < 0) a++;
      if (a === keyCount(ours) || compareKeysAt(ours, a, theirs, b) !== 0) this.report(keyAt(theirs, b), found.need);
    }
  }

  /**
   * Every range of a reply lies inside a range we sent, and a list reply answers a list we sent, as an
   * honest responder's does: so a reply makes us look only at ranges we chose, each once, and no tiny
   * message can make us group or scan the whole set.
   */
  private checkInside(ranges: readonly WireRange[]): void {
    let s = 0;
    for (const r of ranges) {
      if (r.mode === Mode.Later) continue;
      while (s < this.sent.length && compareBounds(this.sent[s]!.upper, r.lower) <= 0) s++;
      const step = this.sent[s];
      const inside = step !== undefined && compareBounds(step.lower, r.lower) <= 0 && compareBounds(r.upper, step.upper) <= 0;
      const exact = inside && step.kind === 'list' && compareBounds(step.lower, r.lower) === 0 && compareBounds(r.upper, step.upper) === 0;
      if (!inside || (r.mode === Mode.IdListReply && !exact)) throw new SyncProtocolError('Malformed', 'a reply to a range we did not ask about');
    }
  }

  private reportAll(ids: readonly Uint8Array[], into: Uint8Array[]): Step[] {
    for (const id of ids) this.report(id, into);
    return [];
  }

  /** Each id or key is reported once per session, even if a range is compared again. */
  private report(bytes: Uint8Array, into: Uint8Array[]): void {
    const key = toHex(bytes);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    into.push(bytes);
  }

  /**
   * Writes as many steps as the round holds; the rest waits for the next round. Null when nothing is left.
   * Steps overlapping an earlier one (only a dishonest reply can cause them) are dropped.
   */
  private emit(all: Step[]): Uint8Array[] | null {
    const steps: Step[] = [];
    for (const s of all) if (steps.length === 0 || compareBounds(s.lower, steps[steps.length - 1]!.upper) >= 0) steps.push(s);
    // Positions and cells of every step in one walk over the set; between two steps, a gap's cell is unused.
    const at = steps.flatMap((x) => [this.set.rank(x.lower), this.set.rank(x.upper)]);
    const cells = this.set.cells(at);
    const w = new RoundWriter(this.o.frameLimit, this.o.maxMessages);
    this.sent = [];
    let k = 0;
    for (; k < steps.length; k++) {
      const written = this.write(w, steps[k]!, cells[2 * k]!);
      if (written === null) break;
      this.sent.push(written);
    }
    this.deferred = steps.slice(k);
    const out = w.finish();
    this.waiting = out.length > 0;
    return this.waiting ? out : null;
  }

  /** Writes one step; what was written (a list too long for a message goes as a cell), or null if it did not fit. */
  private write(w: RoundWriter, s: Step, c: Cell): Step | null {
    if (s.kind === 'need') return w.key(Mode.Need, s.lower, s.upper, s.key!) ? s : null;
    // A list planned earlier may have grown past what a message holds as facts arrived; a cell always fits.
    if (s.kind === 'list' && c.count <= this.o.maxListKeys) {
      const i = this.set.rank(s.lower);
      return w.idList(s.lower, s.upper, sortedKeys(this.set, i, i + c.count)) ? s : null;
    }
    if (!w.cell(s.lower, s.upper, c.count, c.sum)) return null;
    return s.kind === 'cell' ? s : { lower: s.lower, upper: s.upper, kind: 'cell' };
  }
}

interface Place {
  readonly range: WireRange;
  readonly i: number;
  readonly j: number;
}

interface Found {
  readonly have: Uint8Array[];
  readonly need: Uint8Array[];
}
