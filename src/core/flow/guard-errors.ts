import type { AuthorityId, Epoch, FactId } from '../ids.ts';
import type { Right } from './capabilities.ts';

/**
 * Guard-chain failures (spec 000 §8). They are local: each carries only what the caller passed in or
 * its own budget figures, never other members' rights or budgets, and is never sent to a peer.
 */
export type AuthorizationDenied =
  | { readonly code: 'AuthorizationDenied'; readonly reason: 'NotMember' | 'MissingRight'; readonly right: Right }
  | { readonly code: 'AuthorizationDenied'; readonly reason: 'PeerNotMember'; readonly right: Right; readonly peer: AuthorityId };

export interface InsufficientBudget {
  readonly code: 'InsufficientBudget';
  /** budgetKey of the first (in peer order) budget that cannot cover the cost. */
  readonly key: string;
  readonly peer: AuthorityId;
  readonly remaining: number;
  readonly cost: number;
  /** The first epoch whose fresh budget may allow this send again. */
  readonly resumeAtEpoch: Epoch;
}

export type JournalCommitFailed =
  | { readonly code: 'JournalCommitFailed'; readonly reason: 'NoFacts' }
  | {
      readonly code: 'JournalCommitFailed';
      readonly reason: 'WrongNamespace' | 'AuthorMismatch' | 'DeviceMismatch';
      readonly factId: FactId;
    };

export type GuardError = AuthorizationDenied | InsufficientBudget | JournalCommitFailed;
