import type { AuthorityId, ContextId } from '../ids.ts';
import { budgetKey, charge, flowBudget } from './flow-budget.ts';
import type { BudgetCharge } from './guard-effects.ts';
import type { InsufficientBudget } from './guard-errors.ts';
import type { GuardState } from './guard-input.ts';

export type FlowGuardResult =
  | { readonly ok: true; readonly charges: readonly BudgetCharge[] }
  | { readonly ok: false; readonly error: InsufficientBudget };

/**
 * Second guard: charges `cost` to each recipient's budget for the current epoch. All or nothing: one
 * budget too low refuses the whole send, so no partial charge can exist. `peers` must be sorted so the
 * reported budget is deterministic.
 */
export function flowGuard(context: ContextId, peers: readonly AuthorityId[], cost: number, state: GuardState): FlowGuardResult {
  const charges: BudgetCharge[] = [];
  for (const peer of peers) {
    const key = budgetKey(context, peer, state.epoch);
    const current = state.budgets.get(key) ?? flowBudget(state.defaultLimit, 0, state.epoch);
    const r = charge(current, cost);
    if (!r.ok) {
      const error: InsufficientBudget = { code: 'InsufficientBudget', key, peer, remaining: r.error.remaining, cost, resumeAtEpoch: state.epoch + 1 };
      return { ok: false, error };
    }
    charges.push({ key, peer, budget: r.budget });
  }
  return { ok: true, charges };
}
