import type { AuthorityId, PhysicalTime, ProposalId } from '../ids.ts';
import type { Agreement } from './agreement.ts';

/** Where a category-B proposal stands (spec 002 ProposalState). */
export type ProposalState =
  | { readonly type: 'Pending' }
  | { readonly type: 'Approved' }
  | { readonly type: 'Rejected'; readonly reason: string; readonly by: AuthorityId }
  | { readonly type: 'Expired' }
  | { readonly type: 'Superseded'; readonly by: ProposalId };

/**
 * Tally of the votes that count (listed voters, first vote each, cast before expiry). Voter lists are in
 * vote order; `awaiting` keeps the proposal's voter order. `required` may exceed `eligible` when the rule
 * can never be met.
 */
export interface ApprovalProgress {
  readonly required: number;
  readonly eligible: number;
  readonly approvedBy: readonly AuthorityId[];
  readonly rejectedBy: readonly AuthorityId[];
  readonly awaiting: readonly AuthorityId[];
}

/** Status of an operation that takes effect only after approval. `appliedAgreement` is null unless Approved. */
export interface DeferredStatus {
  readonly proposalId: ProposalId;
  readonly state: ProposalState;
  readonly approvals: ApprovalProgress;
  readonly appliedAgreement: Agreement | null;
  readonly expiresAt: PhysicalTime;
}
