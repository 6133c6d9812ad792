import type { CeremonyStatus } from '../core/consistency/ceremony-status.ts';
import type { AuthorityId, ContextId, DeviceId, PhysicalTime } from '../core/ids.ts';

/** This authority's guardians as its tree states them, and the setup ceremony last started here. */
export interface GuardiansView {
  /** The guardian branch of the tree head (null: no guardians yet). */
  readonly current: { readonly threshold: number; readonly delayMs: number; readonly guardians: readonly { readonly authority: AuthorityId; readonly name: string }[] } | null;
  /** The latest setup (or rotation): PendingEpoch while guardians answer (n of n), Committing during their key generation. */
  readonly setup: CeremonyStatus | null;
  readonly setupNames: Readonly<Record<AuthorityId, string>>;
}

/** A guardian request from a contact, waiting for this authority's answer. */
export interface GuardianInvitation {
  readonly context: ContextId;
  readonly ceremony: string;
  readonly from: AuthorityId;
  readonly fromName: string;
  readonly threshold: number;
  readonly guardians: number;
  readonly delayMs: number;
}

/** Someone this authority guards. */
export interface Ward {
  readonly authority: AuthorityId;
  readonly name: string;
  /** This device holds a share of the ward's current guardian key. */
  readonly holdsShare: boolean;
}

/** A recovery seen by a guardian (who entered the code) or by the owner's surviving devices. */
export interface RecoveryView {
  readonly authority: AuthorityId;
  readonly name: string;
  /** The new device asking to become the authority's only device. */
  readonly device: DeviceId;
  readonly status: CeremonyStatus;
  readonly names: Readonly<Record<AuthorityId, string>>;
  /** When this guardian may sign (its approval + the waiting period); null before it approved. */
  readonly signableAt: PhysicalTime | null;
}

/** A recovery code entered by a guardian: who it says is asking, and from which device (once met). */
export interface RecoveryHelp {
  readonly id: string;
  readonly claimedName: string;
  readonly device: DeviceId | null;
  /** The ward it was approved or refused for, once answered. */
  readonly ward: AuthorityId | null;
  readonly answer: 'approved' | 'refused' | null;
}

/** The recovering side (a fresh tab): its code, and every guardian's word so far. */
export interface RecoveringView {
  readonly code: string;
  readonly device: DeviceId;
  readonly phase: 'waiting' | 'recovering' | 'recovered' | 'cancelled' | 'refused';
  readonly authority: AuthorityId | null;
  readonly name: string | null;
  readonly words: readonly { readonly guardian: AuthorityId; readonly name: string; readonly word: 'approved' | 'refused' | 'cancelled' }[];
  /** Approvals needed and guardians in all, as the guardians' words say (shown only; null before the first word). */
  readonly threshold: number | null;
  readonly guardianCount: number | null;
  readonly error: string | null;
}

export interface GuardiansApi {
  view(): GuardiansView | null;
  /** Asks `guardians` (contacts) to guard this authority, `threshold` of them needed, waiting `delayMs` before signing. */
  setGuardians(guardians: readonly AuthorityId[], threshold: number, delayMs: number): Promise<void>;
  invitations(): readonly GuardianInvitation[];
  answer(context: ContextId, ceremony: string, accept: boolean): Promise<void>;
  wards(): readonly Ward[];
  /** Recoveries of this authority that guardians approved or refused (shown on every surviving device). */
  alerts(): readonly RecoveryView[];
  /** Cancels a recovery of this authority to `device`, in every guardian's pair. */
  cancelRecovery(device: DeviceId): Promise<void>;
  /** A guardian enters a recovery code: meets the device that shows it. */
  help(code: string): RecoveryHelp;
  helps(): readonly RecoveryHelp[];
  approve(help: string, ward: AuthorityId): Promise<void>;
  refuse(help: string, ward: AuthorityId): Promise<void>;
  /** Recoveries this guardian took part in. */
  recoveries(): readonly RecoveryView[];
  /** On a device without an identity: a recovery code to hand to guardians. */
  startRecovery(claimedName: string): RecoveringView;
  recovering(): RecoveringView | null;
}
