import { compareStrings } from '../compare.ts';
import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import { compareOrderTime } from '../facts/hlc.ts';

/** The total order every reducer uses to break ties: order time, then FactId. */
export function compareFacts(a: ValidatedFact, b: ValidatedFact): number {
  return compareOrderTime(orderTimeOf(a.fact), orderTimeOf(b.fact)) || compareStrings(a.id, b.id);
}
