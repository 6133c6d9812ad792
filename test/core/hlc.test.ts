import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHlc, hlcReceive, hlcTick, HLC_ZERO, type Hlc } from '../../src/core/facts/hlc.ts';

const hlcArb = fc.record({ wall: fc.integer({ min: 0, max: 2 ** 45 }), logical: fc.integer({ min: 0, max: 1000 }) });
const nowArb = fc.integer({ min: 0, max: 2 ** 45 });

describe('hybrid logical clock', () => {
  it('tick is strictly monotone even when the wall clock goes backwards', () => {
    fc.assert(
      fc.property(fc.array(nowArb, { maxLength: 50 }), (nows) => {
        let prev: Hlc = HLC_ZERO;
        for (const now of nows) {
          const next = hlcTick(prev, now);
          expect(compareHlc(next, prev)).toBe(1);
          prev = next;
        }
      }),
      { numRuns: 300 },
    );
  });
  it('receive orders after both the local and the remote reading', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, nowArb, (local, remote, now) => {
        const next = hlcReceive(local, remote, now);
        expect(compareHlc(next, local)).toBe(1);
        expect(compareHlc(next, remote)).toBe(1);
        expect(next.wall).toBeGreaterThanOrEqual(now);
      }),
      { numRuns: 500 },
    );
  });
});
