import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import {
  DEFAULT_FRAME_LIMIT,
  ItemSet,
  Reconciler,
  respond,
  type SyncItem,
  type SyncOptions,
} from '../../src/core/sync/index.ts';

const item = (k: number, time: number): SyncItem => ({ time, id: sha256(new TextEncoder().encode(`reconcile-${k}`)) });
const hex = (ids: readonly Uint8Array[]): string[] => ids.map(toHex).sort();

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
  let msg: Uint8Array | null = r.initiate();
  const have: Uint8Array[] = [];
  const need: Uint8Array[] = [];
  let roundTrips = 0;
  let bytes = 0;
  let largest = 0;
  while (msg) {
    const reply = respond(b, msg, opts);
    expect(respond(b, msg.slice(), opts)).toEqual(reply);
    roundTrips++;
    bytes += msg.length + reply.length;
    largest = Math.max(largest, msg.length, reply.length);
    const res = r.reconcile(reply);
    have.push(...res.have);
    need.push(...res.need);
    msg = res.next;
  }
  return { have, need, roundTrips, bytes, largest };
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
  expect(hex(s.need)).toEqual(hex(onlyB.map((x) => x.id)));
  expect(s.largest).toBeLessThanOrEqual(opts?.frameLimit ?? DEFAULT_FRAME_LIMIT);
  // Exchanging what was found makes the sets identical, and a second session finds nothing in one round trip.
  for (const id of s.need) A.insert({ time: B.timeOf(id)!, id });
  for (const id of s.have) B.insert({ time: A.timeOf(id)!, id });
  expect(A.size).toBe(B.size);
  expect(A.fingerprint(0, A.size)).toEqual(B.fingerprint(0, B.size));
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

  it('with a tiny frame limit (512 B), through the continuation path, never exceeding it', () => {
    fc.assert(
      fc.property(replicaArb(1500, 200), ({ shared, a, b }) => {
        checkExact(shared, a, b, { frameLimit: 512 });
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

  it('for other branching and leaf parameters', () => {
    fc.assert(
      fc.property(
        replicaArb(1000, 50),
        fc.record({ firstBranching: fc.integer({ min: 1, max: 40 }), branching: fc.integer({ min: 2, max: 16 }), leafThreshold: fc.integer({ min: 1, max: 40 }), maxBranching: fc.integer({ min: 2, max: 128 }) }),
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
    let msg: Uint8Array | null = r.initiate();
    let k = 0;
    while (msg) {
      A.insert(item(30_000 + k, (k * 37) % 3000));
      B.insert(item(40_000 + k, (k * 41) % 3000));
      k++;
      const res = r.reconcile(respond(B, msg, { frameLimit: 512 }));
      for (const id of res.need) if (B.has(id)) A.insert({ time: B.timeOf(id)!, id });
      for (const id of res.have) B.insert({ time: A.timeOf(id)!, id });
      msg = res.next;
    }
    const s = reconcile(A, B);
    for (const id of s.need) A.insert({ time: B.timeOf(id)!, id });
    for (const id of s.have) B.insert({ time: A.timeOf(id)!, id });
    expect(A.fingerprint(0, A.size)).toEqual(B.fingerprint(0, B.size));
  });

  it('report each id once, and reconcile() after the end is a usage error', () => {
    const A = ItemSet.from([item(1, 1)]);
    const B = ItemSet.from([item(2, 1)]);
    const r = new Reconciler(A);
    const res = r.reconcile(respond(B, r.initiate()));
    expect(res.next).toBeNull();
    expect(() => r.reconcile(new Uint8Array([1]))).toThrow(Error);
    expect(() => new Reconciler(A).reconcile(new Uint8Array([1]))).toThrow(Error);
  });
});
