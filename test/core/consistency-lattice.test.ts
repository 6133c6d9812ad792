import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acknowledgmentOf, joinAcknowledgment, type Acknowledgment } from '../../src/core/consistency/acknowledgment.ts';
import { joinAgreement, type Agreement } from '../../src/core/consistency/agreement.ts';
import { joinConsistency, type Consistency } from '../../src/core/consistency/consistency.ts';
import { ConsistencyMap } from '../../src/core/consistency/consistency-map.ts';
import { ceremony, deferred, joinOperationCategory, OPTIMISTIC, type OperationCategory } from '../../src/core/consistency/operation-category.ts';
import { COMPLETE, failed, joinPropagation, LOCAL, syncing, type Propagation } from '../../src/core/consistency/propagation.ts';

const RUNS = { numRuns: 300 };

// Small value domains so that ties (equal ranks, equal ids, equal peers) are frequent.
const arbPropagation: fc.Arbitrary<Propagation> = fc.oneof(
  fc.constant(LOCAL),
  fc.constant(COMPLETE),
  fc.integer({ min: 0, max: 5 }).chain((known) => fc.integer({ min: 0, max: known }).map((reached) => syncing(reached, known))),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom('timeout', 'refused'))
    .map(([at, n, e]) => failed(at, n, e)),
);

const arbAck: fc.Arbitrary<Acknowledgment> = fc
  .array(fc.record({ peer: fc.constantFrom('p0', 'p1', 'p2', 'p3'), ackedAt: fc.integer({ min: 0, max: 5 }) }), { maxLength: 6 })
  .map(acknowledgmentOf);

const arbAgreement: fc.Arbitrary<Agreement> = fc.oneof(
  fc.constant<Agreement>({ level: 'Provisional' }),
  fc.constant<Agreement>({ level: 'SoftSafe', cert: null }),
  fc
    .record({ certId: fc.constantFrom('c0', 'c1'), witnesses: fc.array(fc.constantFrom('w0', 'w1'), { maxLength: 2 }) })
    .map((cert): Agreement => ({ level: 'SoftSafe', cert })),
  fc.constantFrom('k0', 'k1', 'k2').map((consensusId): Agreement => ({ level: 'Finalized', consensusId })),
);

const arbCategory: fc.Arbitrary<OperationCategory> = fc.oneof(
  fc.constant(OPTIMISTIC),
  fc.constantFrom('q0', 'q1').map(deferred),
  fc.constantFrom('r0', 'r1').map(ceremony),
);

const arbConsistency: fc.Arbitrary<Consistency> = fc.record({
  category: arbCategory,
  agreement: arbAgreement,
  propagation: arbPropagation,
  acknowledgment: fc.option(arbAck, { nil: null }),
});

const arbMap: fc.Arbitrary<ConsistencyMap> = fc
  .array(fc.tuple(fc.constantFrom('f0', 'f1', 'f2', 'f3', 'f4'), arbConsistency), { maxLength: 6 })
  .map((es) => ConsistencyMap.of(es));

/** Commutative, associative, idempotent, compared as plain values through `view`. */
function lawsOf<T>(name: string, arb: fc.Arbitrary<T>, join: (a: T, b: T) => T, view: (t: T) => unknown = (t) => t): void {
  describe(`${name} join is a semilattice`, () => {
    it('is commutative', () => {
      fc.assert(fc.property(arb, arb, (a, b) => {
        expect(view(join(a, b))).toEqual(view(join(b, a)));
      }), RUNS);
    });
    it('is associative', () => {
      fc.assert(
        fc.property(arb, arb, arb, (a, b, c) => {
          expect(view(join(join(a, b), c))).toEqual(view(join(a, join(b, c))));
        }),
        RUNS,
      );
    });
    it('is idempotent', () => {
      fc.assert(fc.property(arb, (a) => {
        expect(view(join(a, a))).toEqual(view(a));
      }), RUNS);
    });
    it('yields an upper bound of both sides', () => {
      fc.assert(
        fc.property(arb, arb, (a, b) => {
          const j = join(a, b);
          expect(view(join(j, a))).toEqual(view(j));
          expect(view(join(j, b))).toEqual(view(j));
        }),
        RUNS,
      );
    });
  });
}

lawsOf('Propagation', arbPropagation, joinPropagation);
lawsOf('Acknowledgment', arbAck, joinAcknowledgment);
lawsOf('Agreement', arbAgreement, joinAgreement);
lawsOf('OperationCategory', arbCategory, joinOperationCategory);
lawsOf('Consistency', arbConsistency, joinConsistency);
lawsOf('ConsistencyMap merge', arbMap, (a, b) => a.merge(b), (m) => m.entries());

describe('Propagation join is the least upper bound of the evidence order', () => {
  // Independent statement of the order: Local < Failed < Syncing < Complete; Syncing componentwise;
  // Failed lexicographic on (retryCount, retryAt, error).
  const rank = { Local: 0, Failed: 1, Syncing: 2, Complete: 3 } as const;
  function leq(a: Propagation, b: Propagation): boolean {
    if (rank[a.state] !== rank[b.state]) return rank[a.state] < rank[b.state];
    if (a.state === 'Syncing' && b.state === 'Syncing') return a.peersReached <= b.peersReached && a.peersKnown <= b.peersKnown;
    if (a.state === 'Failed' && b.state === 'Failed') {
      const ka = [a.retryCount, a.retryAt] as const;
      const kb = [b.retryCount, b.retryAt] as const;
      if (ka[0] !== kb[0]) return ka[0] < kb[0];
      if (ka[1] !== kb[1]) return ka[1] < kb[1];
      return a.error <= b.error;
    }
    return true;
  }

  it('join is above both sides and below every common upper bound', () => {
    fc.assert(
      fc.property(arbPropagation, arbPropagation, arbPropagation, (a, b, c) => {
        const j = joinPropagation(a, b);
        expect(leq(a, j) && leq(b, j)).toBe(true);
        if (leq(a, c) && leq(b, c)) expect(leq(j, c)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('ConsistencyMap merge is per-entry join', () => {
  it('keeps one-sided entries and joins shared ones', () => {
    fc.assert(
      fc.property(arbMap, arbMap, (a, b) => {
        const m = a.merge(b);
        expect(m.ids()).toEqual([...new Set([...a.ids(), ...b.ids()])].sort());
        for (const id of m.ids()) {
          const x = a.get(id);
          const y = b.get(id);
          const want = x === undefined ? y : y === undefined ? x : joinConsistency(x, y);
          expect(m.get(id)).toEqual(want);
        }
      }),
      RUNS,
    );
  });
});
