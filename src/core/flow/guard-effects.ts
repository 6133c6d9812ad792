import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, ContextId, FactId } from '../ids.ts';
import type { FlowBudget } from './flow-budget.ts';
import type { GuardError } from './guard-errors.ts';

/** A budget after its charge, to be written under `key`. */
export interface BudgetCharge {
  readonly key: string;
  readonly peer: AuthorityId;
  readonly budget: FlowBudget;
}

/** Budget charges and facts in one transaction: either both are durable or neither is. */
export interface CommitAtomically {
  readonly type: 'CommitAtomically';
  readonly facts: readonly ValidatedFact[];
  readonly budgets: readonly BudgetCharge[];
}

export interface Send {
  readonly type: 'Send';
  readonly context: ContextId;
  readonly peers: readonly AuthorityId[];
  readonly factIds: readonly FactId[];
}

/** Effects to perform in order. The tuple type makes charge-before-send hold by construction. */
export type GuardEffects = readonly [CommitAtomically] | readonly [CommitAtomically, Send];

export type GuardResult = { readonly ok: true; readonly effects: GuardEffects } | { readonly ok: false; readonly error: GuardError };
