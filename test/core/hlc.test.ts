import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { FACT_VERSION } from '../../src/core/facts/fact.ts';
import { admitAt, ClockExhaustedError, compareHlc, hlcReceive, hlcTick, HLC_ZERO, isBeyondSkew, type Hlc } from '../../src/core/facts/hlc.ts';
import { inspectFact } from '../../src/core/facts/validate.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { CLOCK_SKEW_BOUND_MS, MAX_LOGICAL, MAX_WALL_TIME } from '../../src/core/limits.ts';
import { syncItemOf } from '../../src/core/sync/index.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const NOW = 1_700_000_000_000;
const CENTURY = 100 * 365 * 24 * 3600 * 1000;
const UNSAFE_TOP = Number.MAX_SAFE_INTEGER; // 2^53 − 1: one past the largest valid wall time
const alice = deviceKey('hlc-alice');
const ns = contextNamespace('hlc-ctx');
const factId = new Writer(alice, 'alice', ns).fact('chat.channel', { name: 'x' }).id;

/** Near 0, near a real clock (so skew edges are hit), near the top, and the extremes themselves. */
const wallArb = fc.oneof(
  fc.constantFrom(0, 1, NOW, MAX_WALL_TIME - 1, MAX_WALL_TIME),
  fc.integer({ min: 0, max: 2 ** 45 }),
  fc.integer({ min: NOW - 3 * CLOCK_SKEW_BOUND_MS, max: NOW + 3 * CLOCK_SKEW_BOUND_MS }),
  fc.integer({ min: MAX_WALL_TIME - 3 * CLOCK_SKEW_BOUND_MS, max: MAX_WALL_TIME }),
);
const logicalArb = fc.oneof(fc.constantFrom(0, MAX_LOGICAL - 1, MAX_LOGICAL), fc.nat(1000));
const validArb: fc.Arbitrary<Hlc> = fc.record({ wall: wallArb, logical: logicalArb });
/** What a hostile peer may sign, including readings validation refuses. */
const remoteArb: fc.Arbitrary<Hlc> = fc.oneof(
  validArb,
  fc.record({ wall: fc.constantFrom(UNSAFE_TOP, NOW + CENTURY), logical: fc.constantFrom(0, MAX_LOGICAL, MAX_LOGICAL + 1) }),
);
/** A local clock may also be broken: negative or beyond every limit. */
const nowArb = fc.oneof(wallArb, fc.constantFrom(-1, UNSAFE_TOP));

type Step = { readonly now: number; readonly remote?: Hlc };
const stepArb: fc.Arbitrary<Step> = fc.oneof(fc.record({ now: nowArb }), fc.record({ now: nowArb, remote: remoteArb }));
const run = (prev: Hlc, s: Step): Hlc => (s.remote ? hlcReceive(prev, s.remote, s.now) : hlcTick(prev, s.now));
const isTop = (h: Hlc): boolean => h.wall === MAX_WALL_TIME && h.logical === MAX_LOGICAL;

/** The reading passes fact validation's envelope schema (signature aside) and indexes as a sync item. */
function expectAccepted(time: Hlc): void {
  const envelope = { v: FACT_VERSION, ns, kind: 'chat.channel', author: 'alice', device: alice.deviceId, time, body: { name: 'x' }, sig: new Uint8Array(64) };
  expect(inspectFact(encodeCanonical(envelope)).fact.time).toEqual(time);
  expect(syncItemOf(factId, time.wall).time).toBe(time.wall);
}

describe('hybrid logical clock', () => {
  it('any interleaving of ticks and receives: strictly monotone, bounded by max(prev, now + bound) + 1, always valid', () => {
    fc.assert(
      fc.property(validArb, fc.array(stepArb, { maxLength: 30 }), (start, steps) => {
        let prev = start;
        for (const s of steps) {
          if (isTop(prev)) {
            expect(() => run(prev, s)).toThrow(ClockExhaustedError);
            return;
          }
          const next = run(prev, s);
          expect(compareHlc(next, prev)).toBe(1);
          const ceiling = Math.max(prev.wall, s.remote ? s.now + CLOCK_SKEW_BOUND_MS : s.now);
          expect(next.wall).toBeLessThanOrEqual(ceiling + 1);
          expect(next.wall).toBeLessThanOrEqual(MAX_WALL_TIME);
          expect(next.logical).toBeLessThanOrEqual(MAX_LOGICAL);
          expectAccepted(next);
          prev = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('receive orders after both readings when the remote one is within the bound', () => {
    fc.assert(
      fc.property(validArb, validArb, nowArb, (local, remote, now) => {
        fc.pre(!isTop(local) && !isTop(remote) && !isBeyondSkew(remote, now));
        const next = hlcReceive(local, remote, now);
        expect(compareHlc(next, local)).toBe(1);
        expect(compareHlc(next, remote)).toBe(1);
        expect(next.wall).toBeGreaterThanOrEqual(Math.min(now, MAX_WALL_TIME));
      }),
      { numRuns: 500 },
    );
  });

  it('a remote reading beyond now + bound is not adopted: the result is a plain tick', () => {
    fc.assert(
      fc.property(validArb, fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 1, max: 2 ** 45 }), logicalArb, (prev, now, ahead, logical) => {
        fc.pre(!isTop(prev));
        const remote = { wall: Math.min(now + CLOCK_SKEW_BOUND_MS + ahead, UNSAFE_TOP), logical };
        expect(isBeyondSkew(remote, now)).toBe(true);
        expect(hlcReceive(prev, remote, now)).toEqual(hlcTick(prev, now));
      }),
      { numRuns: 300 },
    );
  });

  it('clock poisoning: after a century-ahead, 2^53 − 1 or 0xffffffff reading, our next facts are still valid and near now', () => {
    for (const poison of [{ wall: NOW + CENTURY, logical: 0 }, { wall: UNSAFE_TOP, logical: 0 }, { wall: NOW, logical: MAX_LOGICAL }]) {
      let clock = hlcReceive({ wall: NOW - 5, logical: 7 }, poison, NOW);
      for (let i = 0; i < 3; i++) clock = hlcTick(clock, NOW);
      expect(clock.wall).toBeLessThanOrEqual(NOW + 1);
      expectAccepted(clock);
    }
  });

  it('the logical counter carries into the wall instead of passing MAX_LOGICAL', () => {
    expect(hlcTick({ wall: NOW, logical: MAX_LOGICAL }, NOW)).toEqual({ wall: NOW + 1, logical: 0 });
    expect(hlcTick({ wall: NOW, logical: MAX_LOGICAL - 1 }, NOW - 9)).toEqual({ wall: NOW, logical: MAX_LOGICAL });
    expect(hlcReceive(HLC_ZERO, { wall: NOW, logical: MAX_LOGICAL }, NOW)).toEqual({ wall: NOW + 1, logical: 0 });
  });

  it('at the very top, and from readings beyond the limits, a tick is a typed error, never an invalid reading', () => {
    expect(hlcTick({ wall: MAX_WALL_TIME, logical: MAX_LOGICAL - 1 }, UNSAFE_TOP)).toEqual({ wall: MAX_WALL_TIME, logical: MAX_LOGICAL });
    expect(() => hlcTick({ wall: MAX_WALL_TIME, logical: MAX_LOGICAL }, UNSAFE_TOP)).toThrow(expect.objectContaining({ name: 'ClockExhaustedError', code: 'Exhausted' }));
    expect(() => hlcTick({ wall: UNSAFE_TOP, logical: 0 }, NOW)).toThrow(ClockExhaustedError);
  });

  it('a fact becomes admissible exactly when the clock reaches its wall time minus the bound', () => {
    fc.assert(
      fc.property(wallArb, logicalArb, (wall, logical) => {
        const time = { wall, logical };
        expect(admitAt(time)).toBe(wall - CLOCK_SKEW_BOUND_MS);
        expect(isBeyondSkew(time, admitAt(time))).toBe(false);
        expect(isBeyondSkew(time, admitAt(time) - 1)).toBe(true);
      }),
    );
    expect(isBeyondSkew({ wall: NOW + CLOCK_SKEW_BOUND_MS, logical: MAX_LOGICAL }, NOW)).toBe(false);
    expect(isBeyondSkew({ wall: NOW + CLOCK_SKEW_BOUND_MS + 1, logical: 0 }, NOW)).toBe(true);
  });
});
