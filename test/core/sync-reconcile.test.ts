import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import {
  DEFAULT_FRAME_LIMIT,
  ItemSet,
  KEY_BYTES,
  Reconciler,
  respond,
  type SyncItem,
  type SyncOptions,
} from '../../src/core/sync/index.ts';

const item = (k: number, time: number): SyncItem => ({ time, id: sha256(new TextEncoder().encode(`reconcile-${k}`)) });
const hex = (ids: readonly Uint8Array[]): string[] => ids.map(toHex).sort();
const keys = (ids: readonly Uint8Array[]): Uint8Array[] => ids.map((id) => id.subarray(0, KEY_BYTES));
const size = (round: readonly Uint8Array[]): number => round.reduce((n, m) => n + m.length, 0);

/** What the initiator fetches for the keys it needs: every item of the responder's with that key. */
function fetch(a: ItemSet, b: ItemSet, need: readonly Uint8Array[]): void {
  for (const key of need) for (const id of b.idsWithKey(key)) a.insert({ time: b.timeOf(id)!, id });
}

const sameSets = (a: ItemSet, b: ItemSet): void => {
  expect(a.size).toBe(b.size);
  expect(a.cell(0, a.size)).toEqual(b.cell(0, b.size));
  expect(hex(a.slice(0, a.size).map((x) => x.id))).toEqual(hex(b.slice(0, b.size).map((x) => x.id)));
};

interface Session {
  readonly have: Uint8Array[];
  readonly need: Uint8Array[];
  readonly roundTrips: number;
  readonly bytes: number;
  readonly largest: number;
}

/** A whole session through serialised bytes; checks on the way that the responder is a pure function. */
function reconcile(a: ItemSet, b: ItemSet, opts?: SyncOptions): Session {
  const r = new Reconciler(a, opts);
  let round: Uint8Array[] | null = r.initiate();
  const have: Uint8Array[] = [];
  const need: Uint8Array[] = [];
  let roundTrips = 0;
  let bytes = 0;
  let largest = 0;
  while (round) {
    const reply = respond(b, round, opts);
    expect(respond(b, round.map((m) => m.slice()), opts)).toEqual(reply);
    roundTrips++;
    bytes += size(round) + size(reply);
    largest = Math.max(largest, ...round.map((m) => m.length), ...reply.map((m) => m.length));
    const res = r.reconcile(reply);
    have.push(...res.have);
    need.push(...res.need);
    round = res.next;
  }
  return { have, need, roundTrips, bytes: bytes + need.length * KEY_BYTES, largest };
}

/** Shared base plus extras on either side; `spread` small forces many equal timestamps. */
const replicaArb = (maxBase: number, maxExtra: number) =>
  fc
    .record({
      base: fc.nat(maxBase),
      onlyA: fc.nat(maxExtra),
      onlyB: fc.nat(maxExtra),
      spread: fc.constantFrom(1, 3, 50, 1_000_000),
      seed: fc.nat(1_000_000),
    })
    .map(({ base, onlyA, onlyB, spread, seed }) => {
      const at = (k: number) => item(seed * 100_000 + k, 1_700_000_000_000 + ((k * 2_654_435_761) % spread));
      const shared = Array.from({ length: base }, (_, k) => at(k));
      const a = Array.from({ length: onlyA }, (_, k) => at(base + k));
      const b = Array.from({ length: onlyB }, (_, k) => at(base + onlyA + k));
      return { shared, a, b };
    });

function checkExact(shared: SyncItem[], onlyA: SyncItem[], onlyB: SyncItem[], opts?: SyncOptions): Session {
  const A = ItemSet.from([...shared, ...onlyA]);
  const B = ItemSet.from([...shared, ...onlyB]);
  const s = reconcile(A, B, opts);
  expect(hex(s.have)).toEqual(hex(onlyA.map((x) => x.id)));
  expect(hex(s.need)).toEqual(hex(keys(onlyB.map((x) => x.id))));
  expect(s.largest).toBeLessThanOrEqual(opts?.frameLimit ?? DEFAULT_FRAME_LIMIT);
  // Exchanging what was found makes the sets identical, and a second session finds nothing in one round trip.
  fetch(A, B, s.need);
  for (const id of s.have) B.insert({ time: A.timeOf(id)!, id });
  sameSets(A, B);
  const again = reconcile(A, B, opts);
  expect(again.have.length + again.need.length).toBe(0);
  expect(again.roundTrips).toBe(1);
  return s;
}

describe('reconciliation finds exactly the set differences', () => {
  it('for random replica pairs (shared base, extras on either or both sides, equal timestamps)', () => {
    fc.assert(
      fc.property(replicaArb(2000, 60), ({ shared, a, b }) => {
        checkExact(shared, a, b);
      }),
      { numRuns: 150 },
    );
  });

  it('with a tiny frame limit (512 B), in rounds of many messages, never exceeding it', () => {
    fc.assert(
      fc.property(replicaArb(1500, 200), ({ shared, a, b }) => {
        checkExact(shared, a, b, { frameLimit: 512 });
      }),
      { numRuns: 60 },
    );
  });

  it('with rounds of one or two messages, through the Later path (answers that did not fit come next round)', () => {
    fc.assert(
      fc.property(replicaArb(1500, 200), fc.integer({ min: 1, max: 2 }), ({ shared, a, b }, maxMessages) => {
        checkExact(shared, a, b, { frameLimit: 512, maxMessages });
      }),
      { numRuns: 60 },
    );
  });

  it('at the smallest frame limit (256 B)', () => {
    fc.assert(
      fc.property(replicaArb(600, 80), ({ shared, a, b }) => {
        checkExact(shared, a, b, { frameLimit: 256 });
      }),
      { numRuns: 30 },
    );
  });

  it('for other cell, leaf and round parameters', () => {
    fc.assert(
      fc.property(
        replicaArb(1000, 50),
        fc.record({
          firstCells: fc.integer({ min: 1, max: 40 }),
          cellsPerDifference: fc.integer({ min: 1, max: 6 }),
          leafThreshold: fc.integer({ min: 1, max: 40 }),
          maxFanOut: fc.integer({ min: 2, max: 128 }),
          maxMessages: fc.integer({ min: 1, max: 8 }),
        }),
        ({ shared, a, b }, opts) => {
          checkExact(shared, a, b, opts);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('in the edge cases: empty sides, one-sided, everything different, 10k items', () => {
    const xs = (from: number, n: number, t = (k: number) => 1_000 + k * 13) => Array.from({ length: n }, (_, k) => item(from + k, t(from + k)));
    checkExact([], [], []);
    checkExact([], xs(0, 5), []);
    checkExact([], [], xs(0, 5));
    checkExact([], xs(0, 3000), []);
    checkExact([], [], xs(0, 3000));
    checkExact([], xs(0, 2000), xs(2000, 2000));
    checkExact(xs(0, 10_000), [], []);
    checkExact(xs(0, 10_000), xs(10_000, 1), []);
    checkExact(xs(0, 10_000), [], xs(10_000, 1));
    checkExact(xs(0, 9_000), xs(9_000, 500), xs(9_500, 500));
    checkExact(xs(0, 5_000, () => 7), xs(5_000, 300, () => 7), xs(5_300, 300, () => 7)); // one timestamp for all
    checkExact([], xs(0, 2000), xs(2000, 2000), { frameLimit: 512 });
  });
});

describe('cost grows with the difference, not with the set', () => {
  /** N shared items plus d differing ones, half on each side, spread uniformly through the key space. */
  function table(n: number, d: number): Session {
    const all = Array.from({ length: n + d }, (_, k) => item(k, 1_700_000_000_000 + k * 997));
    const odd = new Set(Array.from({ length: d }, (_, k) => Math.floor(((k + 0.5) * (n + d)) / d)));
    const shared = all.filter((_, k) => !odd.has(k));
    const diff = all.filter((_, k) => odd.has(k));
    return checkExact(shared, diff.filter((_, k) => k % 2 === 0), diff.filter((_, k) => k % 2 === 1));
  }

  it('d = 0 costs one round trip and under 1 KiB, the same for 1k and 10k items', () => {
    const small = table(1_000, 0);
    const large = table(10_000, 0);
    expect(small.roundTrips).toBe(1);
    expect(large.roundTrips).toBe(1);
    expect(large.bytes).toBeLessThanOrEqual(1024);
    expect(Math.abs(large.bytes - small.bytes)).toBeLessThanOrEqual(32);
  });

  it('bytes rise with d at fixed N = 10k, and d = 1 is far cheaper than d = 1000', () => {
    const bytes = [0, 1, 10, 100, 1000].map((d) => table(10_000, d).bytes);
    for (let k = 1; k < bytes.length; k++) expect(bytes[k]!).toBeGreaterThan(bytes[k - 1]!);
    expect(bytes[1]! * 50).toBeLessThan(bytes[4]!);
    [0, 1, 10, 100, 1000].forEach((d, k) => expect(bytes[k]!).toBeLessThanOrEqual(1024 + 250 * d));
  });

  it('d = 10 costs about the same against 1k and 10k items', () => {
    const small = table(1_000, 10).bytes;
    const large = table(10_000, 10).bytes;
    expect(large).toBeLessThan(2 * small);
  });
});

describe('sessions', () => {
  it('tolerate facts arriving mid-session and converge in the next one', () => {
    const shared = Array.from({ length: 3000 }, (_, k) => item(k, k));
    const A = ItemSet.from([...shared, ...Array.from({ length: 50 }, (_, k) => item(10_000 + k, k * 60))]);
    const B = ItemSet.from([...shared, ...Array.from({ length: 50 }, (_, k) => item(20_000 + k, k * 60 + 1))]);
    const r = new Reconciler(A, { frameLimit: 512 });
    let round: Uint8Array[] | null = r.initiate();
    let k = 0;
    while (round) {
      A.insert(item(30_000 + k, (k * 37) % 3000));
      B.insert(item(40_000 + k, (k * 41) % 3000));
      k++;
      const res = r.reconcile(respond(B, round, { frameLimit: 512 }));
      fetch(A, B, res.need);
      for (const id of res.have) B.insert({ time: A.timeOf(id)!, id });
      round = res.next;
    }
    const s = reconcile(A, B);
    fetch(A, B, s.need);
    for (const id of s.have) B.insert({ time: A.timeOf(id)!, id });
    sameSets(A, B);
  });

  it('report each id once, and reconcile() after the end is a usage error', () => {
    const A = ItemSet.from([item(1, 1)]);
    const B = ItemSet.from([item(2, 1)]);
    const r = new Reconciler(A);
    const res = r.reconcile(respond(B, r.initiate()));
    expect(res.next).toBeNull();
    expect(() => r.reconcile([new Uint8Array([2])])).toThrow(Error);
    expect(() => new Reconciler(A).reconcile([new Uint8Array([2])])).toThrow(Error);
  });
});
