import type { CeremonyStatus, ParticipantResponse } from '../consistency/ceremony-status.ts';
import type { AuthorityId, DeviceId, Epoch, Hash32, PhysicalTime } from '../ids.ts';
import type { RecoveryVote } from './guardians.ts';
import type { GuardianBranch } from './tree/tree-state.ts';

/** What is known of one recovery, gathered from every pair that mentions it (order of gathering is irrelevant). */
export interface RecoveryEvidence {
  readonly authority: AuthorityId;
  readonly device: DeviceId;
  readonly branch: GuardianBranch;
  /** The state being recovered (its commitment is the ceremony's prestate; the recovery makes epoch + 1). */
  readonly prestate: Hash32;
  readonly epoch: Epoch;
  readonly votes: readonly RecoveryVote[];
  /** Earliest cancellation by the authority, fact time. */
  readonly cancelledAt: PhysicalTime | null;
  /** When a Recover op for this device applied (its threshold signature is the commit), fact time. */
  readonly recoveredAt: PhysicalTime | null;
}

/** When an approving guardian may sign: its approval's fact time plus the branch's waiting period. */
export function signableAt(vote: RecoveryVote, branch: GuardianBranch): PhysicalTime {
  return vote.at + branch.delayMs;
}

/**
 * A recovery's CeremonyStatus (spec 002; DESIGN §7), the same whatever order the evidence came in: each
 * guardian's earliest word counts; recovered beats everything (the signature is evidence the guardians
 * agreed); otherwise a cancellation aborts, then enough refusals that t approvals can no longer come abort,
 * otherwise it waits for t of n approvals.
 */
export function recoveryStatus(e: RecoveryEvidence): CeremonyStatus {
  const first = new Map<AuthorityId, RecoveryVote>();
  for (const v of e.votes) {
    const known = first.get(v.guardian);
    if (known === undefined || v.at < known.at || (v.at === known.at && !v.approve && known.approve)) first.set(v.guardian, v);
  }
  const responses: ParticipantResponse[] = e.branch.guardians.map((g) => {
    const v = first.get(g.authority);
    return { participant: g.authority, response: v === undefined ? 'Pending' : v.approve ? 'Accepted' : 'Rejected', respondedAt: v?.at ?? null };
  });
  const accepted = responses.filter((r) => r.response === 'Accepted').length;
  const refused = responses.filter((r) => r.response === 'Rejected').length;
  const base = { ceremonyId: `recover:${e.device}`, responses, threshold: e.branch.threshold, prestateHash: e.prestate };
  if (e.recoveredAt !== null && accepted >= e.branch.threshold) {
    return { ...base, state: { type: 'Committed', consensusId: `recover:${e.device}`, committedAt: e.recoveredAt }, committedAgreement: { level: 'Finalized', consensusId: `recover:${e.device}` } };
  }
  if (e.cancelledAt !== null) return { ...base, state: { type: 'Aborted', reason: 'cancelled by the owner', abortedAt: e.cancelledAt }, committedAgreement: null };
  if (refused > e.branch.guardians.length - e.branch.threshold) {
    const at = Math.max(...responses.filter((r) => r.response === 'Rejected').map((r) => r.respondedAt!));
    return { ...base, state: { type: 'Aborted', reason: 'refused by guardians', abortedAt: at }, committedAgreement: null };
  }
  if (accepted >= e.branch.threshold) return { ...base, state: { type: 'Committing' }, committedAgreement: null };
  return { ...base, state: { type: 'PendingEpoch', pendingEpoch: e.epoch + 1, requiredResponses: e.branch.threshold, receivedResponses: accepted }, committedAgreement: null };
}
