import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acknowledgmentOf,
  contains,
  containsAll,
  count,
  EMPTY_ACKNOWLEDGMENT,
  joinAcknowledgment,
  peers,
  type AckRecord,
} from '../../src/core/consistency/acknowledgment.ts';

const arbRecords = fc.array(
  fc.record({ peer: fc.constantFrom('p0', 'p1', 'p2', 'p3'), ackedAt: fc.integer({ min: 0, max: 9 }) }),
  { maxLength: 8 },
);

describe('Acknowledgment', () => {
  it('normalises: one record per peer, the earliest, sorted by peer', () => {
    const a = acknowledgmentOf([
      { peer: 'carol', ackedAt: 30 },
      { peer: 'alice', ackedAt: 20 },
      { peer: 'carol', ackedAt: 10 },
    ]);
    expect(a.ackedBy).toEqual([
      { peer: 'alice', ackedAt: 20 },
      { peer: 'carol', ackedAt: 10 },
    ]);
  });

  it('equal sets of acks are equal values whatever the input order', () => {
    fc.assert(
      fc.property(arbRecords, (rs) => {
        expect(acknowledgmentOf([...rs].reverse())).toEqual(acknowledgmentOf(rs));
      }),
      { numRuns: 300 },
    );
  });

  it('join equals normalising the union of records', () => {
    fc.assert(
      fc.property(arbRecords, arbRecords, (xs: AckRecord[], ys: AckRecord[]) => {
        expect(joinAcknowledgment(acknowledgmentOf(xs), acknowledgmentOf(ys))).toEqual(acknowledgmentOf([...xs, ...ys]));
      }),
      { numRuns: 300 },
    );
  });

  it('join keeps the earliest ack of a peer acked on both sides', () => {
    const a = acknowledgmentOf([{ peer: 'bob', ackedAt: 50 }]);
    const b = acknowledgmentOf([{ peer: 'bob', ackedAt: 40 }, { peer: 'alice', ackedAt: 60 }]);
    expect(joinAcknowledgment(a, b).ackedBy).toEqual([
      { peer: 'alice', ackedAt: 60 },
      { peer: 'bob', ackedAt: 40 },
    ]);
  });

  it('contains / count / peers / containsAll', () => {
    const a = acknowledgmentOf([{ peer: 'bob', ackedAt: 5 }, { peer: 'alice', ackedAt: 6 }]);
    expect(contains(a, 'bob')).toBe(true);
    expect(contains(a, 'carol')).toBe(false);
    expect(count(a)).toBe(2);
    expect(count(EMPTY_ACKNOWLEDGMENT)).toBe(0);
    expect(peers(a)).toEqual(['alice', 'bob']);
    expect(containsAll(a, ['bob', 'alice'])).toBe(true);
    expect(containsAll(a, ['bob', 'carol'])).toBe(false);
    expect(containsAll(EMPTY_ACKNOWLEDGMENT, [])).toBe(true);
  });
});
