import { boundBetween, INFINITY, LOWEST, type Bound } from '../../src/core/sync/bound.ts';
import { ItemSet, KEY_BYTES, MAX_ITEM_TIME, Reconciler, respond } from '../../src/core/sync/index.ts';
import { Mode, RoundWriter } from '../../src/core/sync/wire.ts';
import { percentile, report } from '../report.ts';
import { prng, replicas } from './scenario.ts';

/**
 * `npm run bench:hostile`: CPU a peer can make us spend with one sync message, at N = 100 000 items. Hostile
 * messages (every mode, whole-set and extreme bounds, claimed counts from 0 to 2^53, keys we hold and keys we
 * do not, many ranges at once, and random canonical messages) go to the responder (`respond`) and, as replies,
 * to an initiator one round into a session (`Reconciler.reconcile`). Each message costs the least CPU time of
 * REPEAT runs; printed: the worst and the p99 per message, over all and over tiny ones, the worst per frame
 * of the reply (what the sender is charged for), and, in the same run, an honest d = 1 round at the same N.
 */
const N = Number(process.env.BENCH_N ?? 100_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 25);
const SETTLE_MS = 10;
const FUZZED = 300;
const LIMIT = 16384;
const MAX_MESSAGES = 64;
/** Messages of at most this many bytes are "tiny": what the 14-byte whole-set cell was. */
const TINY = 64;
const size = (round: readonly Uint8Array[]) => round.reduce((n, m) => n + m.length, 0);

const { a } = replicas(N, 0);
const set = ItemSet.from(a);
const rnd = prng(7);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
/** Distinct keys, sorted and packed, as lists carry them. */
const packed = (hex: Iterable<string>) => Uint8Array.from(Buffer.from([...new Set(hex)].sort().join(''), 'hex'));
const randomKeys = (n: number) => packed(Array.from({ length: n }, () => Buffer.from(randomBytes(KEY_BYTES)).toString('hex')));
const keyOf = (p: number) => set.at(p).id.subarray(0, KEY_BYTES);
/** (x ± y) mod 2^64 of little-endian keys: a sum one of our items away from ours. */
function addKey(x: Uint8Array, y: Uint8Array, sign: 1 | -1): Uint8Array {
  const out = new Uint8Array(KEY_BYTES);
  let carry = 0;
  for (let k = 0; k < KEY_BYTES; k++) {
    const v = x[k]! + sign * y[k]! + carry;
    carry = v < 0 ? -1 : v > 255 ? 1 : 0;
    out[k] = v & 0xff;
  }
  return out;
}

type Writer = (w: RoundWriter, lower: Bound, upper: Bound) => boolean;
interface Hostile {
  readonly label: string;
  readonly round: Uint8Array[];
}

/** Bounds that cut our set into `parts` runs (the first from LOWEST, the last to INFINITY). */
function cuts(parts: number): Bound[] {
  const out: Bound[] = [LOWEST];
  for (let k = 1; k < parts; k++) {
    const p = Math.floor((N * k) / parts);
    out.push(boundBetween(set.at(p - 1), set.at(p)));
  }
  out.push(INFINITY);
  return out;
}

/** One message: `write` over each run of `parts`, as many as fit. */
function message(label: string, parts: number, write: Writer): Hostile {
  const w = new RoundWriter(LIMIT, 1);
  const b = cuts(parts);
  for (let k = 0; k < parts; k++) if (!write(w, b[k]!, b[k + 1]!)) break;
  return { label, round: w.finish() };
}

const ours = set.cell(0, N);
const counts = [0, 1, N - 2, N - 1, N, N + 1, N + 2, N >> 1, 2 * N, 2 ** 32, Number.MAX_SAFE_INTEGER];
const sums: [string, Uint8Array][] = [
  ['oursum', ours.sum],
  ['minus_item', addKey(ours.sum, keyOf(N >> 1), -1)],
  ['plus_item', addKey(ours.sum, keyOf(N >> 1), 1)],
  ['random', randomBytes(KEY_BYTES)],
];

/** Hostile rounds an initiator may send a responder. */
function queries(): Hostile[] {
  const out: Hostile[] = [];
  for (const count of counts) for (const [s, sum] of sums) out.push(message(`cell.whole.count${count}.${s}`, 1, (w, l, u) => w.cell(l, u, count, sum)));
  out.push(message('need.whole.held', 1, (w, l, u) => w.key(Mode.Need, l, u, keyOf(N >> 1))));
  out.push(message('need.whole.random', 1, (w, l, u) => w.key(Mode.Need, l, u, randomBytes(KEY_BYTES))));
  for (const n of [0, 1, 100, 2000]) out.push(message(`list.whole.random${n}`, 1, (w, l, u) => w.idList(l, u, randomKeys(n))));
  const held = packed(Array.from({ length: 2000 }, (_, k) => Buffer.from(keyOf(k * 37)).toString('hex')));
  out.push(message('list.whole.held2000', 1, (w, l, u) => w.idList(l, u, held)));
  for (const parts of [2, 16, 256, 1024, 4000]) {
    out.push(message(`cell.split${parts}.count0`, parts, (w, l, u) => w.cell(l, u, 0, ours.sum)));
    out.push(message(`cell.split${parts}.count2^32`, parts, (w, l, u) => w.cell(l, u, 2 ** 32, ours.sum)));
    out.push(message(`list.split${parts}.empty`, parts, (w, l, u) => w.idList(l, u, new Uint8Array(0))));
    out.push(message(`need.split${parts}.random`, parts, (w, l, u) => w.key(Mode.Need, l, u, randomBytes(KEY_BYTES))));
  }
  out.push(message('cell.extreme_bounds', 1, (w) => w.cell({ time: 0, prefix: Uint8Array.of(1) }, { time: MAX_ITEM_TIME, prefix: new Uint8Array(32).fill(0xff) }, 0, ours.sum)));
  for (let k = 0; k < FUZZED; k++) out.push(fuzzed(k, [Mode.Cell, Mode.IdList, Mode.Need]));
  return out;
}

/** Hostile replies a responder may send an initiator. */
function replies(): Hostile[] {
  const out: Hostile[] = [];
  for (const count of counts) for (const [s, sum] of sums) out.push(message(`cell.whole.count${count}.${s}`, 1, (w, l, u) => w.cell(l, u, count, sum)));
  for (const mode of [Mode.Mine, Mode.Yours] as const) {
    out.push(message(`key${mode}.whole.held`, 1, (w, l, u) => w.key(mode, l, u, keyOf(N >> 1))));
    out.push(message(`key${mode}.whole.random`, 1, (w, l, u) => w.key(mode, l, u, randomBytes(KEY_BYTES))));
  }
  for (const n of [0, 1, 2000]) {
    out.push(message(`list.whole.random${n}`, 1, (w, l, u) => w.idList(l, u, randomKeys(n))));
    out.push(message(`listreply.whole.random${n}`, 1, (w, l, u) => w.idListReply(l, u, randomKeys(n), 0, new Uint8Array(0))));
  }
  out.push(message('listreply.whole.claims_all', 1, (w, l, u) => w.idListReply(l, u, new Uint8Array(0), 8 * 1000, new Uint8Array(1000).fill(0xff))));
  out.push(message('later.lowest', 1, (w) => (w.later(LOWEST), true)));
  for (const parts of [16, 1024]) {
    out.push(message(`cell.split${parts}.count2^32`, parts, (w, l, u) => w.cell(l, u, 2 ** 32, ours.sum)));
    out.push(message(`mine.split${parts}.random`, parts, (w, l, u) => w.key(Mode.Mine, l, u, randomBytes(KEY_BYTES))));
  }
  for (let k = 0; k < FUZZED; k++) out.push(fuzzed(k, [Mode.Cell, Mode.IdList, Mode.IdListReply, Mode.Mine, Mode.Yours]));
  return out;
}

/** A random canonical message: random bounds (our items' times, random prefixes, extremes), modes and payloads. */
function fuzzed(k: number, modes: readonly number[]): Hostile {
  const times = new Set<number>();
  const n = 1 + Math.floor(rnd() * 40);
  while (times.size < n) {
    const r = rnd();
    times.add(r < 0.1 ? MAX_ITEM_TIME - Math.floor(rnd() * 3) : r < 0.2 ? Math.floor(rnd() * 3) : set.at(Math.floor(rnd() * N)).time);
  }
  const bounds: Bound[] = [LOWEST, ...[...times].sort((x, y) => x - y).map((time) => ({ time, prefix: rnd() < 0.5 ? new Uint8Array(0) : Uint8Array.of(1 + Math.floor(rnd() * 255)) }))];
  if (rnd() < 0.5) bounds.push(INFINITY);
  const w = new RoundWriter(LIMIT, 1);
  for (let r = 0; r + 1 < bounds.length; r++) {
    const [l, u] = [bounds[r]!, bounds[r + 1]!];
    const mode = modes[Math.floor(rnd() * modes.length)]!;
    const keys = () => randomKeys(Math.floor(rnd() ** 3 * 1500));
    const ok =
      mode === Mode.Cell
        ? w.cell(l, u, counts[Math.floor(rnd() * counts.length)]!, randomBytes(KEY_BYTES))
        : mode === Mode.IdList
          ? w.idList(l, u, keys())
          : mode === Mode.IdListReply
            ? w.idListReply(l, u, keys(), 0, new Uint8Array(0))
            : w.key(mode as typeof Mode.Need, l, u, rnd() < 0.5 ? keyOf(Math.floor(rnd() * N)) : randomBytes(KEY_BYTES));
    if (!ok) break;
  }
  return { label: `fuzzed${k}`, round: w.finish() };
}

/** CPU time (user + system, ms) of `run`: unlike wall time, not inflated when a busy machine deschedules us. */
function cpu(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/**
 * Collects the garbage earlier messages left (when node runs with --expose-gc), so each message pays its own,
 * then sleeps while V8 finishes sweeping in the background: process CPU time counts every thread, and that
 * sweeping belongs to no message.
 */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
}

/** Least CPU over REPEAT runs (noise only ever adds), and what the last run returned. */
function fastest<T>(run: () => T): { ms: number; out: T } {
  settle();
  let ms = Infinity;
  let out!: T;
  for (let r = 0; r < REPEAT; r++) ms = Math.min(ms, cpu(() => (out = run())));
  return { ms, out };
}

interface Timed {
  readonly label: string;
  readonly bytes: number;
  readonly ms: number;
  readonly frames: number;
}

function summarise(side: string, timed: Timed[]): void {
  const worst = (xs: Timed[], by: (t: Timed) => number) => xs.reduce((a, b) => (by(b) > by(a) ? b : a));
  const perFrame = (t: Timed) => t.ms / Math.max(1, t.frames);
  const tiny = timed.filter((t) => t.bytes <= TINY);
  report(`sync.hostile.${side}.messages`, timed.length, 'messages');
  report(`sync.hostile.${side}.worst`, worst(timed, (t) => t.ms).ms, 'ms');
  report(`sync.hostile.${side}.p99`, percentile(timed.map((t) => t.ms), 99), 'ms');
  report(`sync.hostile.${side}.tiny.worst`, worst(tiny, (t) => t.ms).ms, 'ms');
  report(`sync.hostile.${side}.tiny.p99`, percentile(tiny.map((t) => t.ms), 99), 'ms');
  const w = worst(timed, perFrame);
  report(`sync.hostile.${side}.worst_per_reply_frame`, perFrame(w), 'ms');
  report(`sync.hostile.${side}.worst_per_reply_frame.${w.label}.${w.bytes}B.${w.frames}frames`, w.ms, 'ms');
  report(`sync.hostile.${side}.most_reply_frames`, worst(timed, (t) => t.frames).frames, 'frames');
  for (const t of [...timed].sort((x, y) => y.ms - x.ms).slice(0, 3)) report(`sync.hostile.${side}.slowest.${t.label}.${t.bytes}B.${t.frames}frames`, t.ms, 'ms');
  for (const t of [...tiny].sort((x, y) => y.ms - x.ms).slice(0, 2)) report(`sync.hostile.${side}.tiny.slowest.${t.label}.${t.bytes}B.${t.frames}frames`, t.ms, 'ms');
}

const opts = { frameLimit: LIMIT, maxMessages: MAX_MESSAGES };

/** An initiator one round into a session with `mine` takes `reply`: its CPU and the frames of its next round. */
function reconcileOnce(mine: ItemSet, reply: Uint8Array[]): { ms: number; frames: number } {
  let ms = Infinity;
  let frames = 0;
  settle();
  for (let r = 0; r < REPEAT; r++) {
    const rec = new Reconciler(mine, opts);
    rec.initiate();
    ms = Math.min(
      ms,
      cpu(() => {
        try {
          frames = rec.reconcile(reply).next?.length ?? 0;
        } catch {
          frames = 0; // refused: the session ends
        }
      }),
    );
  }
  return { ms, frames };
}

{
  // Baseline: an honest round at the same N, one difference (each side's message is timed alone).
  const r = replicas(N, 1);
  const [ia, ib] = [ItemSet.from(r.a), ItemSet.from(r.b)];
  const first = new Reconciler(ia, opts).initiate();
  const answer = fastest(() => respond(ib, first, opts));
  report('sync.hostile.baseline_d1.respond', answer.ms, 'ms');
  report('sync.hostile.baseline_d1.reconcile', reconcileOnce(ia, answer.out).ms, 'ms');
  // Honest full frames: a new device (empty set) asks for everything; the reply is all cells and lists, the
  // same kind of frames the worst hostile messages get, so its cost per frame is their yardstick.
  const fresh = fastest(() => respond(set, new Reconciler(new ItemSet(), opts).initiate(), opts));
  report('sync.hostile.baseline_bootstrap.respond_per_frame', fresh.ms / fresh.out.length, 'ms');
  report('sync.hostile.baseline_bootstrap.respond_frames', fresh.out.length, 'frames');
}
summarise(
  'respond',
  queries().map((q) => {
    const { ms, out } = fastest(() => {
      try {
        return respond(set, q.round, opts);
      } catch {
        return []; // refused: the session ends
      }
    });
    return { label: q.label, bytes: size(q.round), ms, frames: out.length };
  }),
);
summarise(
  'reconcile',
  replies().map((q) => ({ label: q.label, bytes: size(q.round), ...reconcileOnce(set, q.round) })),
);
