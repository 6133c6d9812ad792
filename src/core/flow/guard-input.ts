import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, ContextId, DeviceId, Epoch } from '../ids.ts';
import type { Right, MembershipView } from './capabilities.ts';
import type { FlowBudget } from './flow-budget.ts';

/** One send through the guard chain: commit `facts` to the context's journal, then send them to `peers`. */
export interface SendRequest {
  readonly context: ContextId;
  /** The authority sending; every fact must be authored by it. */
  readonly sender: AuthorityId;
  /** The local device; every fact must be signed by it. */
  readonly device: DeviceId;
  /** Recipient authorities. Each one's budget is charged `cost`. Empty means commit only, send nothing. */
  readonly peers: readonly AuthorityId[];
  /** Safe non-negative integer charged per recipient. */
  readonly cost: number;
  readonly right: Right;
  readonly facts: readonly ValidatedFact[];
}

/** The local state the guards decide on. The current epoch is an input: the core reads no clock. */
export interface GuardState {
  readonly membership: MembershipView;
  /** Keyed by budgetKey(context, peer, epoch). */
  readonly budgets: ReadonlyMap<string, FlowBudget>;
  readonly epoch: Epoch;
  /** Limit of a budget not yet recorded for the current epoch: a new epoch starts with this headroom. */
  readonly defaultLimit: number;
}
