import { compareStrings } from '../compare.ts';
import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import { compareHlc, compareOrderTime, type OrderTime } from '../facts/hlc.ts';
import type { FactId } from '../ids.ts';

/**
 * The total fact order every reducer uses to break ties: order time (HLC, then device), then FactId.
 * A Stamp is a fact's place in that order, kept beside reduced records so sorting compares stored values.
 */
export interface Stamp {
  readonly id: FactId;
  readonly time: OrderTime;
}

export function stampOf(vf: ValidatedFact): Stamp {
  return { id: vf.id, time: orderTimeOf(vf.fact) };
}

export function compareStamps(a: Stamp, b: Stamp): number {
  return compareOrderTime(a.time, b.time) || compareStrings(a.id, b.id);
}

/** The same order, read straight from two facts without building stamps. */
export function compareFacts(a: ValidatedFact, b: ValidatedFact): number {
  return compareHlc(a.fact.time, b.fact.time) || compareStrings(a.fact.device, b.fact.device) || compareStrings(a.id, b.id);
}
