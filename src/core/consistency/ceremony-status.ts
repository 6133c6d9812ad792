import type { CeremonyId, ConsensusId, Epoch, Hash32, AuthorityId, PhysicalTime } from '../ids.ts';
import type { SupersessionReason } from '../facts/kinds/ceremonies.ts';
import type { Agreement } from './agreement.ts';

export type { SupersessionReason };

/** Where a category-C ceremony stands (spec 002 CeremonyState). */
export type CeremonyState =
  | { readonly type: 'Preparing' }
  | { readonly type: 'PendingEpoch'; readonly pendingEpoch: Epoch; readonly requiredResponses: number; readonly receivedResponses: number }
  | { readonly type: 'Committing' }
  | { readonly type: 'Committed'; readonly consensusId: ConsensusId; readonly committedAt: PhysicalTime }
  | { readonly type: 'Aborted'; readonly reason: string; readonly abortedAt: PhysicalTime }
  | { readonly type: 'Superseded'; readonly by: CeremonyId; readonly reason: SupersessionReason };

/** One participant's answer; `respondedAt` is the response fact's HLC wall, null while Pending. */
export interface ParticipantResponse {
  readonly participant: AuthorityId;
  readonly response: 'Accepted' | 'Rejected' | 'Pending';
  readonly respondedAt: PhysicalTime | null;
}

/**
 * Status of a blocking, atomic operation. `responses` lists every participant in the start fact's order.
 * `threshold` (k of n) is not in spec 002's struct; it is carried so the status alone can be checked and shown.
 */
export interface CeremonyStatus {
  readonly ceremonyId: CeremonyId;
  readonly state: CeremonyState;
  readonly responses: readonly ParticipantResponse[];
  readonly threshold: number;
  readonly prestateHash: Hash32;
  readonly committedAgreement: Agreement | null;
}

/** A broken ceremony invariant; the reducer must never produce a status with one. */
export type CeremonyInvariantViolation =
  | { readonly code: 'ThresholdExceedsParticipants'; readonly threshold: number; readonly participants: number }
  | { readonly code: 'CommittedBelowThreshold'; readonly accepted: number; readonly threshold: number }
  | { readonly code: 'CommittingBelowThreshold'; readonly accepted: number; readonly threshold: number }
  | { readonly code: 'AgreementWithoutCommit'; readonly state: CeremonyState['type'] }
  | { readonly code: 'CommitWithoutAgreement' };

/**
 * Checks a status on its own: 1 <= k <= n; Committed or Committing only with >= k acceptances; a committed
 * agreement exactly when Committed (so an aborted or superseded ceremony never carries one).
 */
export function checkCeremonyInvariants(status: CeremonyStatus): CeremonyInvariantViolation[] {
  const out: CeremonyInvariantViolation[] = [];
  const { threshold, responses, state } = status;
  const accepted = responses.filter((r) => r.response === 'Accepted').length;
  if (threshold < 1 || threshold > responses.length) {
    out.push({ code: 'ThresholdExceedsParticipants', threshold, participants: responses.length });
  }
  if (state.type === 'Committed' && accepted < threshold) out.push({ code: 'CommittedBelowThreshold', accepted, threshold });
  if (state.type === 'Committing' && accepted < threshold) out.push({ code: 'CommittingBelowThreshold', accepted, threshold });
  if (state.type !== 'Committed' && status.committedAgreement !== null) out.push({ code: 'AgreementWithoutCommit', state: state.type });
  if (state.type === 'Committed' && status.committedAgreement?.level !== 'Finalized') out.push({ code: 'CommitWithoutAgreement' });
  return out;
}
