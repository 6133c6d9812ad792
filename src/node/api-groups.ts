import type { Agreement } from '../core/consistency/agreement.ts';
import type { CeremonyStatus } from '../core/consistency/ceremony-status.ts';
import type { DeferredStatus } from '../core/consistency/deferred-status.ts';
import type { GroupOperation, GroupRole } from '../core/facts/kinds/groups.ts';
import type { AuthorityId, ChannelId, ContextId, FactId, PhysicalTime, ProposalId } from '../core/ids.ts';

export type { GroupOperation, GroupRole };

export interface GroupMember {
  readonly authority: AuthorityId;
  readonly name: string;
  readonly role: GroupRole;
}

/** A group as this device sees it (DESIGN §7, §11). */
export interface GroupView {
  readonly context: ContextId;
  readonly name: string;
  /** The creation ceremony: PendingEpoch while invitees answer (k of n), then Committed or Aborted. */
  readonly ceremony: CeremonyStatus;
  /** Who is invited, and their answers so far (also while the ceremony runs). */
  readonly invitees: readonly { readonly authority: AuthorityId; readonly name: string; readonly response: 'Accepted' | 'Rejected' | 'Pending' }[];
  readonly members: readonly GroupMember[];
  /** This authority's role, or null: not (or no longer) a member. */
  readonly myRole: GroupRole | null;
  /** The group's admin (renames, topics): its creator, or whom the last handover in effect named. */
  readonly admin: AuthorityId;
  /** This authority was a member and a proposal removed it. */
  readonly removedMe: boolean;
  readonly channels: readonly ChannelId[];
  /** The context key epoch: one more per removal. */
  readonly epoch: number;
}

/** An invitation to a group, from a contact, that this authority has not answered yet. */
export interface GroupInvitationView {
  readonly context: ContextId;
  readonly name: string;
  readonly from: AuthorityId;
  readonly fromName: string;
}

export interface GroupsApi {
  groups(): readonly GroupView[];
  invitations(): readonly GroupInvitationView[];
  /** "Create a group" from contacts: the ceremony starts; `threshold` (k of n invitees) defaults to all of them. */
  createGroup(name: string, invitees: readonly AuthorityId[], threshold?: number): Promise<ContextId>;
  /** "Hand over admin to…": the group's admin retires and names a member its successor (spec 004 §5). */
  handOverAdmin(context: ContextId, to: AuthorityId): Promise<void>;
  accept(context: ContextId): Promise<void>;
  decline(context: ContextId): Promise<void>;
}

/** A proposal with its DeferredStatus and what became of it. */
export interface ProposalView {
  readonly id: ProposalId;
  readonly context: ContextId;
  readonly operation: GroupOperation;
  readonly args: readonly string[];
  /** Human summary, e.g. "remove Carol". */
  readonly summary: string;
  readonly proposer: AuthorityId;
  readonly status: DeferredStatus;
  /** Approved and applied to the roster (with the agreement of the deciding facts: ◆ once checkpointed), or why not. */
  readonly applied: { readonly agreement: Agreement } | { readonly ignored: string } | null;
  readonly createdAt: PhysicalTime;
  /** Whether this authority is listed as a voter and has not voted yet. */
  readonly awaitingMe: boolean;
  /** This authority proposed it and it is still Pending: it may withdraw it. */
  readonly mine: boolean;
}

export interface ProposalsApi {
  proposals(context?: ContextId): readonly ProposalView[];
  /** Proposes a group operation (our own approval goes with it); expires after `expiresInMs` (by fact time). */
  propose(context: ContextId, operation: GroupOperation, args: readonly string[], expiresInMs?: number): Promise<ProposalId>;
  vote(proposal: ProposalId, approve: boolean, reason?: string): Promise<FactId>;
  /** The proposer takes it back (its own "no": Rejected, by the proposer, "withdrawn"). */
  withdraw(proposal: ProposalId): Promise<FactId>;
}
