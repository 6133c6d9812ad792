import type { CeremonyState } from '../consistency/ceremony-status.ts';
import type { AuthorityId, ContextId, DeviceId, PhysicalTime } from '../ids.ts';
import { ABORT_REASONS, aborted, ended, isFinished, type RendezvousCeremonyEvent } from './enrollment.ts';

/**
 * The contact-invitation ceremony ("Add a contact", DESIGN §7) as each of its two devices sees it — the
 * inviter's and the invitee's, of different authorities: Preparing (the code is shown or entered, no device met
 * yet) → PendingEpoch (met; 0 then 1 of 1 responses: the invitee's accept) → Committing (the pairwise context
 * is being joined) → Committed (both hold it), or Aborted with a reason, or Superseded by a newer invite.
 * Pure: time comes in the events.
 */
export type InvitationRole = 'inviter' | 'invitee';

/** Who the other side is, as its device proof shows it. */
export interface Person {
  readonly authority: AuthorityId;
  readonly name: string;
}

/** The commit is both authorities' member bindings in the new pairwise context (no consensus round). */
export type InvitationState =
  | Exclude<CeremonyState, { type: 'Committed' }>
  | { readonly type: 'Committed'; readonly context: ContextId; readonly committedAt: PhysicalTime };

export interface InvitationCeremony {
  readonly id: string;
  readonly role: InvitationRole;
  /** The code to show (inviter), while it can still be used. */
  readonly code: string | null;
  readonly expires: PhysicalTime;
  /** The other device, once met. */
  readonly peer: DeviceId | null;
  /** The other person: the inviter, once the invitee opened the invitation; the invitee, once it accepted. */
  readonly other: Person | null;
  /** The invitation is in front of the invitee: a person decides now, so only the code's expiry counts. */
  readonly presented: boolean;
  /** When the protocol timeout runs out, while only devices are being waited for. */
  readonly deadline: PhysicalTime | null;
  readonly state: InvitationState;
}

/** Protocol timeout (DESIGN §7: invitation 20 s): from meeting to the invitation shown, and from the accept to the commit. */
export const INVITATION_TIMEOUT_MS = 20_000;
/** How long an invite code is good for; also how long a person may take to decide. */
export const INVITATION_CODE_TTL_MS = 10 * 60_000;

export const INVITATION_ABORTS = { ...ABORT_REASONS, declined: 'declined', withdrawn: 'the inviter cancelled' } as const;

export type InvitationEvent =
  | RendezvousCeremonyEvent
  /** The invitation is shown to the invitee (invitee: opened, with the inviter; inviter: the invitee's receipt). */
  | { readonly type: 'presented'; readonly inviter: Person | null; readonly at: PhysicalTime }
  /** The invitee accepted (invitee: its own answer; inviter: the answer, naming the invitee). */
  | { readonly type: 'accepted'; readonly invitee: Person | null; readonly at: PhysicalTime }
  | { readonly type: 'declined'; readonly at: PhysicalTime }
  | { readonly type: 'committed'; readonly context: ContextId; readonly at: PhysicalTime };

export function startInvitation(id: string, role: InvitationRole, code: string | null, expires: PhysicalTime): InvitationCeremony {
  return { id, role, code, expires, peer: null, other: null, presented: false, deadline: null, state: { type: 'Preparing' } };
}

const pending = (received: number): InvitationState => ({ type: 'PendingEpoch', pendingEpoch: 0, requiredResponses: 1, receivedResponses: received });

/**
 * The next ceremony state. Finished ceremonies never change. The invitee answers only after it was shown who
 * invites. Once Committing (a binding is being written) no timeout, cancel or decline applies; only a failure.
 */
export function stepInvitation(c: InvitationCeremony, e: InvitationEvent): InvitationCeremony {
  if (isFinished(c)) return c;
  const committing = c.state.type === 'Committing';
  const waiting = c.state.type === 'PendingEpoch' && c.state.receivedResponses === 0;
  switch (e.type) {
    case 'met':
      if (c.peer === null) return { ...c, peer: e.peer, code: null, deadline: e.at + INVITATION_TIMEOUT_MS, state: pending(0) };
      return c.peer === e.peer || committing ? c : aborted(c, INVITATION_ABORTS.ambiguous, e.at);
    case 'presented':
      if (!waiting || c.presented || (c.role === 'invitee') !== (e.inviter !== null)) return c;
      return { ...c, presented: true, deadline: null, other: e.inviter ?? c.other };
    case 'accepted':
      if (!waiting || (c.role === 'invitee' && !c.presented) || (c.role === 'inviter') !== (e.invitee !== null)) return c;
      return { ...c, presented: true, other: e.invitee ?? c.other, deadline: e.at + INVITATION_TIMEOUT_MS, state: pending(1) };
    case 'declined':
      return waiting && (c.role === 'inviter' || c.presented) ? aborted(c, INVITATION_ABORTS.declined, e.at) : c;
    case 'committing':
      return c.state.type === 'PendingEpoch' && c.state.receivedResponses >= 1 ? { ...c, state: { type: 'Committing' } } : c;
    case 'committed':
      return committing ? { ...c, code: null, state: { type: 'Committed', context: e.context, committedAt: e.at } } : c;
    case 'tick':
      if ((c.state.type === 'Preparing' || (c.presented && waiting)) && e.at >= c.expires) return aborted(c, INVITATION_ABORTS.expired, e.at);
      if (!committing && c.deadline !== null && e.at >= c.deadline) return aborted(c, INVITATION_ABORTS.timeout, e.at);
      return c;
    case 'abort':
    case 'failed':
    case 'superseded':
      return ended(c, e);
  }
}
