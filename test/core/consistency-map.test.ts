import { describe, expect, it } from 'vitest';
import { acknowledgmentOf } from '../../src/core/consistency/acknowledgment.ts';
import { initialConsistency, joinConsistency, type Consistency } from '../../src/core/consistency/consistency.ts';
import { ConsistencyMap } from '../../src/core/consistency/consistency-map.ts';
import { OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import { COMPLETE, syncing } from '../../src/core/consistency/propagation.ts';

const base = initialConsistency(OPTIMISTIC, true);
const finalized: Consistency = { ...base, agreement: { level: 'Finalized', consensusId: 'k1' } };
const sent: Consistency = { ...base, propagation: COMPLETE };
const acked: Consistency = { ...base, acknowledgment: acknowledgmentOf([{ peer: 'bob', ackedAt: 7 }]) };

describe('ConsistencyMap', () => {
  it('answers per-entry queries', () => {
    const m = ConsistencyMap.of([
      ['m1', finalized],
      ['m2', acked],
      ['m3', initialConsistency(OPTIMISTIC, false)],
    ]);
    expect(m.size).toBe(3);
    expect(m.ids()).toEqual(['m1', 'm2', 'm3']);
    expect(m.get('m1')).toEqual(finalized);
    expect(m.get('zz')).toBeUndefined();
    expect(m.isFinalized('m1')).toBe(true);
    expect(m.isFinalized('m2')).toBe(false);
    expect(m.isFinalized('zz')).toBe(false);
    expect(m.ackedBy('m2')).toEqual([{ peer: 'bob', ackedAt: 7 }]);
    expect(m.ackedBy('m1')).toEqual([]);
    expect(m.ackedBy('m3')).toBeUndefined();
    expect(m.ackedBy('zz')).toBeUndefined();
    expect(m.propagation('m1')).toEqual(base.propagation);
    expect(m.propagation('zz')).toBeUndefined();
  });

  it('lists entries sorted by id regardless of insertion order', () => {
    const m = ConsistencyMap.EMPTY.with('b', sent).with('a', acked).with('c', base);
    expect(m.entries().map(([id]) => id)).toEqual(['a', 'b', 'c']);
  });

  it('with replaces an entry and leaves the original map unchanged', () => {
    const m1 = ConsistencyMap.of([['m', sent]]);
    const m2 = m1.with('m', base);
    expect(m2.get('m')).toEqual(base);
    expect(m1.get('m')).toEqual(sent);
  });

  it('of joins an id given twice', () => {
    expect(ConsistencyMap.of([['m', sent], ['m', acked]]).get('m')).toEqual(joinConsistency(sent, acked));
  });

  it('merge joins shared entries instead of taking either side', () => {
    const ours = ConsistencyMap.of([['m', { ...sent, acknowledgment: acknowledgmentOf([{ peer: 'bob', ackedAt: 9 }]) }]]);
    const theirs = ConsistencyMap.of([
      ['m', { ...base, propagation: syncing(1, 3), agreement: { level: 'SoftSafe', cert: null }, acknowledgment: acknowledgmentOf([{ peer: 'bob', ackedAt: 4 }, { peer: 'carol', ackedAt: 8 }]) }],
    ]);
    for (const m of [ours.merge(theirs), theirs.merge(ours)]) {
      expect(m.get('m')).toEqual({
        category: OPTIMISTIC,
        agreement: { level: 'SoftSafe', cert: null },
        propagation: COMPLETE,
        acknowledgment: acknowledgmentOf([{ peer: 'bob', ackedAt: 4 }, { peer: 'carol', ackedAt: 8 }]),
      });
    }
  });

  it('merge keeps entries present on one side only', () => {
    const m = ConsistencyMap.of([['a', sent]]).merge(ConsistencyMap.of([['b', finalized]]));
    expect(m.entries()).toEqual([
      ['a', sent],
      ['b', finalized],
    ]);
  });
});
