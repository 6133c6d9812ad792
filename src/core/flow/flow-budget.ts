import type { AuthorityId, ContextId, Epoch } from '../ids.ts';
import type { FlowBudgetFact } from '../facts/kinds/relational.ts';

/**
 * A sending allowance for one epoch (spec 003 §Flow Budgets). All fields are safe non-negative integers.
 * `spent` may exceed `limit` after a merge lowered the limit; `remaining` is then 0.
 */
export interface FlowBudget {
  readonly limit: number;
  readonly spent: number;
  readonly epoch: Epoch;
}

/** Why a charge was refused: only the local budget's figures, nothing about peers. */
export interface BudgetExhausted {
  readonly code: 'InsufficientBudget';
  readonly remaining: number;
  readonly cost: number;
}

export type ChargeResult = { readonly ok: true; readonly budget: FlowBudget } | { readonly ok: false; readonly error: BudgetExhausted };

/** Throws RangeError: a non-integer or negative amount is a caller bug, not a runtime condition. */
function amount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a safe non-negative integer, got ${n}`);
  return n;
}

export function flowBudget(limit: number, spent: number, epoch: Epoch): FlowBudget {
  return { limit: amount('limit', limit), spent: amount('spent', spent), epoch: amount('epoch', epoch) };
}

/**
 * Semilattice join. A newer epoch wins outright, because its `spent` restarts at 0 and must not inherit
 * the old epoch's charges; within one epoch the most restrictive limit (min) and the highest charge
 * observed (max) win.
 */
export function merge(a: FlowBudget, b: FlowBudget): FlowBudget {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? a : b;
  return { limit: Math.min(a.limit, b.limit), spent: Math.max(a.spent, b.spent), epoch: a.epoch };
}

export function remaining(b: FlowBudget): number {
  return b.spent >= b.limit ? 0 : b.limit - b.spent;
}

export function canCharge(b: FlowBudget, cost: number): boolean {
  return amount('cost', cost) <= remaining(b);
}

/** spent + cost <= limit <= MAX_SAFE_INTEGER whenever this succeeds, so the sum stays exact. */
export function charge(b: FlowBudget, cost: number): ChargeResult {
  if (!canCharge(b, cost)) return { ok: false, error: { code: 'InsufficientBudget', remaining: remaining(b), cost } };
  return { ok: true, budget: { limit: b.limit, spent: b.spent + cost, epoch: b.epoch } };
}

/**
 * Joins `b` with a fresh observation for `newEpoch` (spent 0). A newer epoch therefore starts afresh,
 * while rotating to an epoch that is not newer never moves the budget backward.
 */
export function rotate(b: FlowBudget, newEpoch: Epoch, limit: number): FlowBudget {
  return merge(b, flowBudget(limit, 0, newEpoch));
}

/** Escapes U+0000/U+0001 order-preservingly so U+0000 can separate fields with no collisions. */
function keyPart(s: string): string {
  return s.replaceAll('\u0001', '\u0001\u0002').replaceAll('\u0000', '\u0001\u0001');
}

const EPOCH_DIGITS = String(Number.MAX_SAFE_INTEGER).length;

/**
 * Storage key of the budget for sending to `peer` in `context` during `epoch`. Keys are injective and
 * compare (as plain strings) like the tuple (context, peer, epoch) with the epoch compared numerically.
 */
export function budgetKey(context: ContextId, peer: AuthorityId, epoch: Epoch): string {
  return `${keyPart(context)}\u0000${keyPart(peer)}\u0000${String(amount('epoch', epoch)).padStart(EPOCH_DIGITS, '0')}`;
}

/** The fact body recording `from`'s budget for sending to `to`. */
export function toFlowBudgetFact(from: AuthorityId, to: AuthorityId, b: FlowBudget): FlowBudgetFact {
  return { from, to, epoch: b.epoch, limit: b.limit, spent: b.spent };
}

/** The schema of 'rel.flowBudget' already guarantees safe non-negative integers. */
export function fromFlowBudgetFact(f: FlowBudgetFact): FlowBudget {
  return { limit: f.limit, spent: f.spent, epoch: f.epoch };
}
