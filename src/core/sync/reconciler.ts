import { compareBytes } from '../compare.ts';
import { bytesEqual, toHex } from '../encoding/bytes.ts';
import { INFINITY, LOWEST, compareBounds, type Bound } from './bound.ts';
import { SyncProtocolError } from './errors.ts';
import type { ItemSet } from './item-set.ts';
import { resolveOptions, type ResolvedOptions, type SyncOptions } from './options.ts';
import { sortedIds, split } from './ranges.ts';
import { limbsToBytes } from './u256.ts';
import { MessageWriter, Mode, decodeMessage, type WireRange } from './wire.ts';

/** What the initiator means to send for one range; payloads are computed from the set when it is written. */
interface Step {
  readonly upper: Bound;
  readonly kind: 'skip' | 'fingerprint' | 'sum' | 'idlist';
}

export interface ReconcileResult {
  /** The next message for the responder, or null when the sets are reconciled. */
  readonly next: Uint8Array | null;
  /** Ids we have and the responder lacks (found in this round). */
  readonly have: Uint8Array[];
  /** Ids the responder has and we lack (found in this round). */
  readonly need: Uint8Array[];
}

/**
 * Replies allowed: a base for the depth of the range tree, plus one round per frame's worth of ids on either
 * side (our items and the differences found so far). An honest exchange stays far below it; a responder that
 * keeps answering without making us learn anything is cut off.
 */
const BASE_ROUNDS = 32;
const BYTES_PER_ITEM = 128;

const skip = (upper: Bound): Step => ({ upper, kind: 'skip' });

/**
 * The initiator. It opens with the count and sum of each of a few ranges; the responder answers equal
 * ranges with nothing, ranges one item apart with that item, and splits the rest into fingerprinted
 * sub-ranges, as many as the count gaps suggest differences. Sub-ranges whose fingerprints differ go back as
 * sums (or as id lists once small), until every range is settled.
 *
 * It is the only side with state: what it sent last, and what did not fit the frame, so that a Continue from
 * either side resumes at the fine ranges already found instead of starting over.
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

  initiate(): Uint8Array {
    this.rounds = 0;
    this.reported.clear();
    const n = this.set.size;
    const steps: Step[] =
      n <= this.o.leafThreshold
        ? [{ upper: INFINITY, kind: 'idlist' }]
        : split(this.set, 0, n, INFINITY, this.o.firstBranching).map((p) => ({ upper: p.upper, kind: 'sum' }));
    return this.emit(steps)!;
  }

  reconcile(reply: Uint8Array): ReconcileResult {
    if (!this.waiting) throw new Error('Reconciler: no message in flight (call initiate(), or the session is over)');
    this.rounds++;
    const budget = this.o.maxRounds ?? BASE_ROUNDS + Math.ceil(((this.set.size + this.reported.size) * BYTES_PER_ITEM) / this.o.frameLimit);
    if (this.rounds > budget) throw new SyncProtocolError('TooManyRounds', `no agreement after ${budget} rounds`);
    const ranges = decodeMessage(reply, this.o.frameLimit, 'responder');
    const found = { have: [] as Uint8Array[], need: [] as Uint8Array[] };
    const steps: Step[] = [];
    let lower: Bound = LOWEST;
    let i = 0;
    for (const range of ranges) {
      const j = this.set.rank(range.upper);
      steps.push(...this.answer({ range, lower, i, j }, found));
      lower = range.upper;
      i = j;
    }
    return { next: this.emit(steps), ...found };
  }

  private answer(s: Span, found: Found): Step[] {
    const { range, i, j } = s;
    switch (range.mode) {
      case Mode.Skip:
        return [skip(range.upper)];
      case Mode.Fingerprint:
        // Our sum lets the responder settle the range at once if it is one item apart, and shows it how far
        // apart we are otherwise, so it can split it as finely as needed.
        return bytesEqual(this.set.fingerprint(i, j), range.fingerprint) ? [skip(range.upper)] : this.differ(i, j, range.upper, 'sum');
      case Mode.Continue:
        return bytesEqual(this.set.fingerprint(i, j), range.fingerprint) ? [skip(range.upper)] : this.resumeFrom(s.lower, i);
      case Mode.IdList:
        this.compareList(i, j, range.ids, found);
        return [skip(range.upper)];
      case Mode.IdListReply: {
        // Our items there changed since we listed them, so the bitfield no longer lines up: list them again.
        if (range.listed !== j - i) return [{ upper: range.upper, kind: 'idlist' }];
        sortedIds(this.set, i, j).forEach((id, b) => {
          if ((range.lacking[b >>> 3]! >> (b & 7)) & 1) this.report(id, found.have);
        });
        for (const id of range.ids) if (!this.set.has(id)) this.report(id, found.need);
        return [skip(range.upper)];
      }
      case Mode.Mine:
        if (!this.set.has(range.id)) this.report(range.id, found.need);
        return [skip(range.upper)];
      case Mode.Yours: {
        // The responder derived this id from sums; only our own range can confirm it is really ours.
        const ours = this.set.findPrefix(i, j, range.prefix);
        if (ours === undefined) return this.differ(i, j, range.upper, this.o.branching);
        this.report(ours, found.have);
        return [skip(range.upper)];
      }
      default:
        throw new Error('unreachable: decodeMessage refuses initiator modes from a responder');
    }
  }

  /** A range known to differ: its id list when small, else its sum, or fingerprints of `next` sub-ranges. */
  private differ(i: number, j: number, upper: Bound, next: 'sum' | number): Step[] {
    if (j - i <= this.o.leafThreshold) return [{ upper, kind: 'idlist' }];
    if (next === 'sum') return [{ upper, kind: 'sum' }];
    return split(this.set, i, j, upper, next).map((p) => ({ upper: p.upper, kind: 'fingerprint' }));
  }

  /** After a Continue at `lower`: what we had planned from there on, or a fresh start if that says nothing. */
  private resumeFrom(lower: Bound, i: number): Step[] {
    const pending = [...this.sent, ...this.deferred].filter((s) => compareBounds(s.upper, lower) > 0);
    if (pending.some((s) => s.kind !== 'skip')) return pending;
    return this.differ(i, this.set.size, INFINITY, this.o.branching);
  }

  private compareList(i: number, j: number, theirs: readonly Uint8Array[], found: Found): void {
    const ours = sortedIds(this.set, i, j);
    let a = 0;
    let b = 0;
    while (a < ours.length || b < theirs.length) {
      const c = a === ours.length ? 1 : b === theirs.length ? -1 : compareBytes(ours[a]!, theirs[b]!);
      if (c < 0) this.report(ours[a++]!, found.have);
      else if (c > 0) {
        const id = theirs[b++]!;
        if (!this.set.has(id)) this.report(id, found.need);
      } else {
        a++;
        b++;
      }
    }
  }

  /** Each id is reported once per session, even if a range is listed again. */
  private report(id: Uint8Array, into: Uint8Array[]): void {
    const key = toHex(id);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    into.push(id);
  }

  /** Writes as many steps as fit; the rest waits behind a Continue. Null when there is nothing left to say. */
  private emit(steps: Step[]): Uint8Array | null {
    const w = new MessageWriter(this.o.frameLimit);
    let i = 0;
    let k = 0;
    for (; k < steps.length; k++) {
      const step = steps[k]!;
      const j = this.set.rank(step.upper);
      if (step.kind === 'skip') w.skip(step.upper);
      else if (!w.tryGroup(() => this.write(w, step, i, j))) break;
      i = j;
    }
    if (k < steps.length) w.fingerprint(INFINITY, this.set.fingerprint(i, this.set.size), Mode.Continue);
    this.sent = steps.slice(0, k);
    this.deferred = steps.slice(k);
    this.waiting = w.hasRanges;
    return this.waiting ? w.finish() : null;
  }

  private write(w: MessageWriter, step: Step, i: number, j: number): void {
    // A list planned earlier may have grown past the leaf size as facts arrived; a sum always fits.
    if (step.kind === 'idlist' && j - i <= this.o.leafThreshold) w.idList(step.upper, sortedIds(this.set, i, j));
    else if (step.kind === 'fingerprint') w.fingerprint(step.upper, this.set.fingerprint(i, j));
    else w.sum(step.upper, j - i, limbsToBytes(this.set.sum(i, j), 0));
  }
}

interface Span {
  readonly range: WireRange;
  readonly lower: Bound;
  readonly i: number;
  readonly j: number;
}

interface Found {
  readonly have: Uint8Array[];
  readonly need: Uint8Array[];
}
