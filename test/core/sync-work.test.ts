import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundBetween, INFINITY, LOWEST, type Bound } from '../../src/core/sync/bound.ts';
import { DEFAULT_FRAME_LIMIT, ItemSet, KEY_BYTES, Reconciler, respond, SyncProtocolError, type SyncItem } from '../../src/core/sync/index.ts';
import { resolveOptions } from '../../src/core/sync/options.ts';
import { Mode, RoundWriter } from '../../src/core/sync/wire.ts';

/**
 * The work a peer's message costs us is bounded by the bytes it moves, not by the size of our set: the set
 * counts its unit steps (`steps`), and every message — hostile or honest — stays within
 *   steps ≤ (bytes in + bytes out) / 2 + what it made us find + 2 × a message's worth of keys + 64,
 * where "out" is the responder's reply, or the initiator's next round. And one range is never answered with
 * more than a message.
 */
const N = 20_000;
const { maxListKeys } = resolveOptions();
const SLACK = 2 * maxListKeys + 64;
const item = (k: number): SyncItem => ({ time: 1_700_000_000_000 + Math.floor(k / 3) * 1_000, id: sha256(new TextEncoder().encode(`work-${k}`)) });
const SET = ItemSet.from(Array.from({ length: N }, (_, k) => item(k)));
const bytes = (round: readonly Uint8Array[]) => round.reduce((n, m) => n + m.length, 0);
const key = (p: number) => SET.at(p).id.subarray(0, KEY_BYTES);
const packed = (keys: Uint8Array[]) => {
  const sorted = [...new Map(keys.map((k) => [Buffer.from(k).toString('hex'), k])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return Uint8Array.from(sorted.flatMap(([, k]) => [...k]));
};

/** Bounds cutting our set into `parts` runs, the first from LOWEST, the last to INFINITY. */
function cuts(parts: number): Bound[] {
  return [LOWEST, ...Array.from({ length: parts - 1 }, (_, k) => boundBetween(SET.at(Math.floor((N * (k + 1)) / parts) - 1), SET.at(Math.floor((N * (k + 1)) / parts)))), INFINITY];
}

type Write = (w: RoundWriter, lower: Bound, upper: Bound, k: number) => boolean;
function message(parts: number, write: Write): Uint8Array[] {
  const w = new RoundWriter(DEFAULT_FRAME_LIMIT, 1);
  const b = cuts(parts);
  for (let k = 0; k < parts && write(w, b[k]!, b[k + 1]!, k); k++);
  return w.finish();
}

const sum = SET.cell(0, N).sum;
const random = (seed: number) => sha256(Uint8Array.of(seed, seed >> 8)).subarray(0, KEY_BYTES);
/** Tiny and large messages of every mode an initiator may send, and as replies, of every mode a responder may. */
const SHAPES: { name: string; query: boolean; round: Uint8Array[] }[] = [
  ...[0, 1, N - 1, N + 1, N >> 1, 2 ** 32].flatMap((count) => [
    { name: `cell of everything, count ${count}`, query: true, round: message(1, (w, l, u) => w.cell(l, u, count, sum)) },
    { name: `cell of everything, count ${count}, reply`, query: false, round: message(1, (w, l, u) => w.cell(l, u, count, sum)) },
  ]),
  { name: 'Need of a key held', query: true, round: message(1, (w, l, u) => w.key(Mode.Need, l, u, key(N >> 1))) },
  { name: 'Need of a key not held', query: true, round: message(1, (w, l, u) => w.key(Mode.Need, l, u, random(1))) },
  ...[0, 1, 1500].map((n) => ({ name: `list of everything, ${n} keys`, query: true, round: message(1, (w, l, u) => w.idList(l, u, packed(Array.from({ length: n }, (_, k) => random(k))))) })),
  ...[16, 256, 4000].flatMap((parts) => [
    { name: `${parts} cells, count 0`, query: true, round: message(parts, (w, l, u) => w.cell(l, u, 0, sum)) },
    { name: `${parts} empty lists`, query: true, round: message(parts, (w, l, u) => w.idList(l, u, new Uint8Array(0))) },
    { name: `${parts} cells of 2^32, reply`, query: false, round: message(parts, (w, l, u) => w.cell(l, u, 2 ** 32, sum)) },
    { name: `${parts} Mine, reply`, query: false, round: message(parts, (w, l, u, k) => w.key(Mode.Mine, l, u, random(k))) },
    { name: `${parts} empty lists, reply`, query: false, round: message(parts, (w, l, u) => w.idList(l, u, new Uint8Array(0))) },
  ]),
  ...[Mode.Mine, Mode.Yours].map((mode) => ({ name: `mode ${mode} over everything, reply`, query: false, round: message(1, (w, l, u) => w.key(mode, l, u, key(7))) })),
  { name: 'list reply over everything, reply', query: false, round: message(1, (w, l, u) => w.idListReply(l, u, new Uint8Array(0), 8, Uint8Array.of(0xff))) },
];

/** Steps, bytes out and steps allowed of one message to the responder (query) or to an initiator one round in. */
function cost(query: boolean, round: Uint8Array[]): { steps: number; allowed: number; out: number } {
  const r = new Reconciler(SET);
  if (!query) r.initiate();
  const before = SET.steps;
  let out: Uint8Array[] = [];
  let found = 0;
  try {
    if (query) out = respond(SET, round);
    else {
      const res = r.reconcile(round);
      out = res.next ?? [];
      found = res.have.length + res.need.length;
    }
  } catch (e) {
    if (!(e instanceof SyncProtocolError)) throw e;
  }
  return { steps: SET.steps - before, allowed: (bytes(round) + bytes(out)) / 2 + found + SLACK, out: bytes(out) };
}

describe('the work one sync message costs', () => {
  it('is bounded by the bytes it moves, not by N, for tiny and large hostile messages of every mode', () => {
    for (const s of SHAPES) {
      const c = cost(s.query, s.round);
      expect(c.steps, s.name).toBeLessThanOrEqual(c.allowed);
    }
  });

  it('one range, whatever it claims, is answered within a message', () => {
    for (const s of SHAPES.filter((x) => x.query && x.name.includes('everything'))) expect(cost(true, s.round).out, s.name).toBeLessThanOrEqual(DEFAULT_FRAME_LIMIT);
  });

  it('is bounded the same way for random canonical messages', () => {
    const range = fc.record({
      gap: fc.integer({ min: 1, max: N / 4 }),
      mode: fc.constantFrom(Mode.Cell, Mode.IdList, Mode.Need, Mode.IdListReply, Mode.Mine, Mode.Yours),
      count: fc.constantFrom(0, 1, 2, N, 2 ** 32),
      keys: fc.nat(300),
    });
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 30 }), fc.boolean(), fc.boolean(), (ranges, query, toInfinity) => {
        const w = new RoundWriter(DEFAULT_FRAME_LIMIT, 1);
        let p = 0;
        let lower = LOWEST;
        for (const [k, r] of ranges.entries()) {
          p += r.gap;
          const last = p >= N || (toInfinity && k === ranges.length - 1);
          const upper = last ? INFINITY : boundBetween(SET.at(p - 1), SET.at(p));
          const mode = query ? [Mode.Cell, Mode.IdList, Mode.Need][r.mode % 3]! : r.mode === Mode.Need ? Mode.Cell : r.mode;
          const keys = packed(Array.from({ length: r.keys }, (_, x) => random(x + 7 * k)));
          if (mode === Mode.Cell) w.cell(lower, upper, r.count, sum);
          else if (mode === Mode.IdList) w.idList(lower, upper, keys);
          else if (mode === Mode.IdListReply) w.idListReply(lower, upper, keys, 0, new Uint8Array(0));
          else w.key(mode as typeof Mode.Need, lower, upper, r.count === 0 ? key(Math.min(p, N) - 1) : random(k));
          if (last) break;
          lower = upper;
        }
        const c = cost(query, w.finish());
        expect(c.steps).toBeLessThanOrEqual(c.allowed);
      }),
      { numRuns: 200 },
    );
  });

  it('is bounded the same way in honest sessions, round by round', () => {
    const other = ItemSet.from(Array.from({ length: N }, (_, k) => item(k % 7 === 3 ? N + k : k)));
    const r = new Reconciler(other);
    let round: Uint8Array[] | null = r.initiate();
    while (round) {
      const q = cost(true, round);
      expect(q.steps).toBeLessThanOrEqual(q.allowed);
      const reply = respond(SET, round);
      const before = other.steps;
      const res = r.reconcile(reply);
      const steps = other.steps - before;
      expect(steps).toBeLessThanOrEqual((bytes(reply) + bytes(res.next ?? [])) / 2 + res.have.length + res.need.length + SLACK);
      round = res.next;
    }
  });
});
