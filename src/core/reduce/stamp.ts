import { compareStrings } from '../compare.ts';
import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import { compareOrderTime, type OrderTime } from '../facts/hlc.ts';
import type { FactId } from '../ids.ts';

/**
 * A fact's place in the total fact order (order time, then FactId), kept beside reduced records so
 * sorting and winner selection compare stored values instead of re-deriving them from the fact.
 */
export interface Stamp {
  readonly id: FactId;
  readonly time: OrderTime;
}

export function stampOf(vf: ValidatedFact): Stamp {
  return { id: vf.id, time: orderTimeOf(vf.fact) };
}

/** Same order as compareFacts in fact-order.ts, over stored stamps. */
export function compareStamps(a: Stamp, b: Stamp): number {
  return compareOrderTime(a.time, b.time) || compareStrings(a.id, b.id);
}
