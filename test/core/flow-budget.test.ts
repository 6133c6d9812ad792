import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNumbers, compareStrings } from '../../src/core/compare.ts';
import { FlowBudgetFact } from '../../src/core/facts/kinds/relational.ts';
import {
  budgetKey,
  canCharge,
  charge,
  flowBudget,
  fromFlowBudgetFact,
  merge,
  remaining,
  rotate,
  toFlowBudgetFact,
  type FlowBudget,
} from '../../src/core/flow/flow-budget.ts';

const amount = fc.oneof(fc.nat({ max: 100 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER), fc.maxSafeNat());
// Few epochs, so the same-epoch and different-epoch cases both occur often.
const budget: fc.Arbitrary<FlowBudget> = fc.record({ limit: amount, spent: amount, epoch: fc.nat({ max: 3 }) });
/** spent <= limit, as every budget that only ever went through successful charges. */
const sound: fc.Arbitrary<FlowBudget> = fc
  .record({ limit: fc.nat({ max: 1000 }), used: fc.nat({ max: 1000 }), epoch: fc.nat({ max: 3 }) })
  .map(({ limit, used, epoch }) => ({ limit, spent: Math.min(limit, used), epoch }));
const RUNS = { numRuns: 1000 };

describe('FlowBudget.merge is a semilattice join', () => {
  it('is commutative', () => {
    fc.assert(fc.property(budget, budget, (a, b) => {
      expect(merge(a, b)).toEqual(merge(b, a));
    }), RUNS);
  });

  it('is associative', () => {
    fc.assert(fc.property(budget, budget, budget, (a, b, c) => {
      expect(merge(merge(a, b), c)).toEqual(merge(a, merge(b, c)));
    }), RUNS);
  });

  it('is idempotent', () => {
    fc.assert(fc.property(budget, (a) => {
      expect(merge(a, a)).toEqual(a);
    }), RUNS);
  });

  it('is monotone: the result absorbs both inputs', () => {
    fc.assert(
      fc.property(budget, budget, (a, b) => {
        const m = merge(a, b);
        expect(merge(m, a)).toEqual(m);
        expect(merge(m, b)).toEqual(m);
      }),
      RUNS,
    );
  });
});

describe('epoch-aware merge', () => {
  it('a newer epoch wins outright and restarts spent', () => {
    const old = flowBudget(100, 90, 4);
    const fresh = flowBudget(200, 0, 5);
    expect(merge(old, fresh)).toEqual(fresh);
    expect(merge(fresh, old)).toEqual(fresh);
    expect(remaining(merge(old, fresh))).toBe(200);
  });

  it('a newer epoch keeps its own limit even when it is larger', () => {
    fc.assert(
      fc.property(budget, budget, (a, b) => {
        fc.pre(a.epoch !== b.epoch);
        const newer = a.epoch > b.epoch ? a : b;
        expect(merge(a, b)).toEqual(newer);
      }),
      RUNS,
    );
  });

  it('within one epoch takes the lower limit and the higher spent', () => {
    expect(merge(flowBudget(100, 10, 2), flowBudget(50, 30, 2))).toEqual(flowBudget(50, 30, 2));
    expect(merge(flowBudget(40, 35, 2), flowBudget(60, 5, 2))).toEqual(flowBudget(40, 35, 2));
  });
});

describe('charging', () => {
  it('remaining is limit - spent, never negative', () => {
    expect(remaining(flowBudget(10, 3, 0))).toBe(7);
    expect(remaining(flowBudget(10, 10, 0))).toBe(0);
    expect(remaining(merge(flowBudget(10, 8, 0), flowBudget(5, 0, 0)))).toBe(0);
  });

  it('charges exactly up to the limit and refuses one unit more', () => {
    const b = flowBudget(10, 7, 3);
    const ok = charge(b, 3);
    expect(ok).toEqual({ ok: true, budget: flowBudget(10, 10, 3) });
    expect(charge(b, 4)).toEqual({ ok: false, error: { code: 'InsufficientBudget', remaining: 3, cost: 4 } });
    expect(canCharge(b, 3)).toBe(true);
    expect(canCharge(b, 4)).toBe(false);
  });

  it('spent never exceeds limit after any sequence of successful charges', () => {
    fc.assert(
      fc.property(sound, fc.array(fc.nat({ max: 300 }), { maxLength: 30 }), (start, costs) => {
        let b = start;
        let charged = 0;
        for (const cost of costs) {
          expect(canCharge(b, cost)).toBe(cost <= remaining(b));
          const r = charge(b, cost);
          if (r.ok) {
            charged += cost;
            b = r.budget;
          } else {
            expect(r.error.remaining).toBe(remaining(b));
          }
          expect(b.spent).toBeLessThanOrEqual(b.limit);
        }
        expect(b.spent - start.spent).toBe(charged);
        expect(b.limit).toBe(start.limit);
        expect(b.epoch).toBe(start.epoch);
      }),
      RUNS,
    );
  });

  it('a charge only moves the budget up the lattice, so merging it with the old state keeps it', () => {
    fc.assert(
      fc.property(sound, fc.nat({ max: 300 }), (b, cost) => {
        const r = charge(b, cost);
        if (r.ok) expect(merge(b, r.budget)).toEqual(r.budget);
      }),
      RUNS,
    );
  });

  it('stays exact at the largest safe integers', () => {
    const b = flowBudget(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 0);
    expect(charge(b, 1)).toEqual({ ok: true, budget: flowBudget(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0) });
    expect(charge(b, 2).ok).toBe(false);
  });

  it('rejects amounts that are not safe non-negative integers', () => {
    const b = flowBudget(10, 0, 0);
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => charge(b, bad)).toThrow(RangeError);
      expect(() => canCharge(b, bad)).toThrow(RangeError);
      expect(() => flowBudget(bad, 0, 0)).toThrow(RangeError);
      expect(() => flowBudget(0, bad, 0)).toThrow(RangeError);
      expect(() => flowBudget(0, 0, bad)).toThrow(RangeError);
    }
  });
});

describe('rotate', () => {
  it('a newer epoch starts with spent 0 and the new limit', () => {
    expect(rotate(flowBudget(10, 10, 4), 5, 20)).toEqual(flowBudget(20, 0, 5));
  });

  it('never moves a budget backward', () => {
    fc.assert(
      fc.property(sound, fc.nat({ max: 3 }), fc.nat({ max: 1000 }), (b, epoch, limit) => {
        const r = rotate(b, epoch, limit);
        expect(r.epoch).toBe(Math.max(b.epoch, epoch));
        if (epoch > b.epoch) expect(r).toEqual(flowBudget(limit, 0, epoch));
        else expect(r.spent).toBe(b.spent);
        if (epoch < b.epoch) expect(r).toEqual(b);
      }),
      RUNS,
    );
  });
});

describe('budgetKey', () => {
  // Includes the separator and escape characters, which a naive join would confuse.
  const part = fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u0002', 'a', 'b', '/'), maxLength: 5 });
  const epoch = fc.oneof(fc.nat({ max: 20 }), fc.maxSafeNat());
  const tuple = fc.tuple(part, part, epoch);
  const compareTuples = (x: [string, string, number], y: [string, string, number]): number =>
    compareStrings(x[0], y[0]) || compareStrings(x[1], y[1]) || compareNumbers(x[2], y[2]);

  it('orders like (context, peer, epoch) with numeric epochs, and is injective', () => {
    fc.assert(
      fc.property(tuple, tuple, (x, y) => {
        expect(Math.sign(compareStrings(budgetKey(...x), budgetKey(...y)))).toBe(compareTuples(x, y));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts epoch 10 after epoch 9', () => {
    expect(compareStrings(budgetKey('ctx', 'peer', 9), budgetKey('ctx', 'peer', 10))).toBe(-1);
  });
});

describe('FlowBudgetFact conversions', () => {
  it('round-trips and produces a body the rel.flowBudget schema accepts', () => {
    fc.assert(
      fc.property(budget, (b) => {
        const body = toFlowBudgetFact('alice', 'bob', b);
        expect(FlowBudgetFact(body, 'body')).toEqual({ from: 'alice', to: 'bob', epoch: b.epoch, limit: b.limit, spent: b.spent });
        expect(fromFlowBudgetFact(body)).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });
});
