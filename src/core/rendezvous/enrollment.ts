import type { CeremonyState } from '../consistency/ceremony-status.ts';
import type { AuthorityId, DeviceId, Epoch, FactId, PhysicalTime } from '../ids.ts';

/**
 * The device-enrollment ceremony as each of its two devices sees it (spec 002 CeremonyStatus, DESIGN §7):
 * Preparing (the code is shown, no device met yet) → PendingEpoch (met; 0 then 1 of 1 responses: the sealed
 * package opened and confirmed) → Committing (the AddLeaf is being written or awaited) → Committed (the new
 * device is a leaf of the authority's tree head), or Aborted with a reason. Pure: time comes in the events.
 */
export type EnrollmentRole = 'initiator' | 'joiner';

/** At t = 1 the commit is the AddLeaf tree op signed by one device (no consensus round yet). */
export type EnrollmentState =
  | Exclude<CeremonyState, { type: 'Committed' }>
  | { readonly type: 'Committed'; readonly treeOp: FactId; readonly epoch: Epoch; readonly committedAt: PhysicalTime };

export interface EnrollmentCeremony {
  readonly id: string;
  readonly role: EnrollmentRole;
  /** The code to show (initiator), while it can still be used. */
  readonly code: string | null;
  readonly expires: PhysicalTime;
  /** The other device, once met. */
  readonly peer: DeviceId | null;
  readonly authority: AuthorityId | null;
  /** When the protocol timeout runs out, once the other device was met. */
  readonly deadline: PhysicalTime | null;
  readonly state: EnrollmentState;
}

/** Protocol timeout once both devices have met (DESIGN §7: enrollment 45 s). */
export const ENROLLMENT_TIMEOUT_MS = 45_000;
/** How long an enrollment code is good for. */
export const ENROLLMENT_CODE_TTL_MS = 10 * 60_000;

export const ABORT_REASONS = {
  expired: 'the code expired',
  timeout: 'the other device stopped answering',
  cancelled: 'cancelled',
  ambiguous: 'more than one device used this code',
} as const;

/** Events every two-device rendezvous ceremony (enrollment, invitation) takes the same way. */
export type RendezvousCeremonyEvent =
  | { readonly type: 'met'; readonly peer: DeviceId; readonly at: PhysicalTime }
  | { readonly type: 'committing' }
  | { readonly type: 'tick'; readonly at: PhysicalTime }
  | { readonly type: 'abort'; readonly reason: string; readonly at: PhysicalTime }
  /** This device could not do its part (e.g. storage failed): ends the ceremony in any phase. */
  | { readonly type: 'failed'; readonly reason: string; readonly at: PhysicalTime }
  | { readonly type: 'superseded'; readonly by: string };

export type EnrollmentEvent =
  | RendezvousCeremonyEvent
  | { readonly type: 'responded'; readonly authority: AuthorityId; readonly epoch: Epoch }
  | { readonly type: 'committed'; readonly treeOp: FactId; readonly epoch: Epoch; readonly at: PhysicalTime };

export function startEnrollment(id: string, role: EnrollmentRole, code: string | null, expires: PhysicalTime, authority: AuthorityId | null): EnrollmentCeremony {
  return { id, role, code, expires, peer: null, authority, deadline: null, state: { type: 'Preparing' } };
}

/** What every rendezvous ceremony (enrollment, invitation) has: its code while shown, and its CeremonyState. */
interface RendezvousCeremony {
  readonly code: string | null;
  readonly state: { readonly type: CeremonyState['type'] };
}

export function isFinished(c: { readonly state: { readonly type: string } }): boolean {
  return c.state.type === 'Committed' || c.state.type === 'Aborted' || c.state.type === 'Superseded';
}

// Aborted and Superseded are states of every rendezvous ceremony: the casts only restate that for `C`.
export const aborted = <C extends RendezvousCeremony>(c: C, reason: string, at: PhysicalTime): C => ({ ...c, code: null, state: { type: 'Aborted', reason, abortedAt: at } }) as C;

/**
 * Cancel (abort), failure and supersession, the same for every rendezvous ceremony: once Committing (a durable
 * write under way, not taken back by a person or a timer) only a failure ends it.
 */
export function ended<C extends RendezvousCeremony>(c: C, e: Extract<RendezvousCeremonyEvent, { type: 'abort' | 'failed' | 'superseded' }>): C {
  const committing = c.state.type === 'Committing';
  if (e.type === 'failed') return aborted(c, e.reason, e.at);
  if (committing) return c;
  return e.type === 'abort' ? aborted(c, e.reason, e.at) : ({ ...c, code: null, state: { type: 'Superseded', by: e.by, reason: 'NewerRequest' } } as C);
}

/**
 * The next ceremony state. Finished ceremonies never change. Once the AddLeaf is being written (Committing)
 * no timeout or cancel applies: a durable tree op is not taken back by a timer, only by a removal ceremony.
 */
export function stepEnrollment(c: EnrollmentCeremony, e: EnrollmentEvent): EnrollmentCeremony {
  if (isFinished(c)) return c;
  const committing = c.state.type === 'Committing';
  switch (e.type) {
    case 'met':
      if (c.peer === null) return { ...c, peer: e.peer, code: null, deadline: e.at + ENROLLMENT_TIMEOUT_MS, state: { type: 'PendingEpoch', pendingEpoch: 0, requiredResponses: 1, receivedResponses: 0 } };
      return c.peer === e.peer || committing ? c : aborted(c, ABORT_REASONS.ambiguous, e.at);
    case 'responded':
      if (c.state.type !== 'PendingEpoch') return c;
      return { ...c, authority: e.authority, state: { type: 'PendingEpoch', pendingEpoch: e.epoch, requiredResponses: 1, receivedResponses: 1 } };
    case 'committing':
      return c.state.type === 'PendingEpoch' && c.state.receivedResponses >= 1 ? { ...c, state: { type: 'Committing' } } : c;
    case 'committed':
      return committing ? { ...c, code: null, state: { type: 'Committed', treeOp: e.treeOp, epoch: e.epoch, committedAt: e.at } } : c;
    case 'tick':
      if (c.state.type === 'Preparing' && e.at >= c.expires) return aborted(c, ABORT_REASONS.expired, e.at);
      if (!committing && c.deadline !== null && e.at >= c.deadline) return aborted(c, ABORT_REASONS.timeout, e.at);
      return c;
    case 'abort':
    case 'failed':
    case 'superseded':
      return ended(c, e);
  }
}
