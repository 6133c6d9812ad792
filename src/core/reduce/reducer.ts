import type { ValidatedFact } from '../facts/fact.ts';

/**
 * A deterministic reducer over a set of facts. `apply` may mutate its state and must be
 * order-independent: folding the same set of facts in any order yields the same `canonical` value.
 * Full reduction is a fold of `apply` from `init`, so incremental and full reduction agree by construction
 * as long as order-independence holds (property-tested).
 */
export interface Reducer<S, C = unknown> {
  init(): S;
  apply(state: S, fact: ValidatedFact): void;
  /** Plain data with every collection sorted; its canonical encoding is compared byte for byte. */
  canonical(state: S): C;
}

export function reduceAll<S, C>(r: Reducer<S, C>, facts: Iterable<ValidatedFact>): S {
  const s = r.init();
  for (const f of facts) r.apply(s, f);
  return s;
}
