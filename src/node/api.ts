import type { UpgradesModule } from './maintenance/upgrades-module.ts';
import type { ConsistencyMap } from '../core/consistency/consistency-map.ts';
import { AuraError } from '../core/errors.ts';
import type { OptimisticIndicator, OptimisticProgress } from '../core/consistency/optimistic-status.ts';
import type { AuthorityId, ChannelId, ContextId, DeviceId, FactId, PhysicalTime } from '../core/ids.ts';
import type { Propagation } from '../core/consistency/propagation.ts';
import type { Agreement } from '../core/consistency/agreement.ts';
import type { Right } from '../core/flow/capabilities.ts';
import type { AckRecord } from '../core/consistency/acknowledgment.ts';
import type { NetStatus } from '../net/transport.ts';
import type { SyncMetrics } from '../protocols/sync/sync-service.ts';
import type { ForwardingStatus } from './forwarding/counters.ts';
import type { AccountView } from './account/account-module.ts';
import type { EnrollmentCeremony } from '../core/rendezvous/enrollment.ts';
import type { InvitationCeremony } from '../core/rendezvous/invitation.ts';
import type { WaitingOp } from '../core/reduce/tree/tree-reducer.ts';
import type { PolicyChange } from './account/threshold-module.ts';
import type { GroupsApi, ProposalsApi } from './api-groups.ts';
import type { GuardiansApi } from './api-guardians.ts';
import type { LabApi } from './lab/lab-types.ts';
import type { BackupApi, CachesApi, SnapshotsApi, StorageApi } from './api-maintenance.ts';
import type { FaultsApi } from './lab/faults-module.ts';

/** The UI's counter shows the limit the node and every peer enforce. */
export { MAX_MESSAGE_CHARS } from '../core/limits.ts';

/** Every query answers with its data and the consistency of each item in it (spec 002). */
export interface QueryResult<T> {
  readonly data: T;
  readonly consistency: ConsistencyMap;
}

export interface Identity {
  readonly authorityId: AuthorityId;
  readonly deviceId: DeviceId;
  /** The name this identity was made (or enrolled) with; the name every reader shows is `names.nameOf(authorityId)`. */
  readonly displayName: string;
}

export interface ChannelSummary {
  readonly id: ChannelId;
  readonly context: ContextId;
  readonly name: string;
  readonly topic: string | null;
  readonly messageCount: number;
  readonly createdAt: PhysicalTime;
  /** What this authority may do in the channel (`rightsOf`, sorted): the UI offers only these controls. */
  readonly rights: readonly Right[];
}

/** One emoji on a message: who reacted (display names, sorted by authority), and whether we did. */
export interface ReactionView {
  readonly emoji: string;
  readonly names: readonly string[];
  readonly mine: boolean;
}

export interface MessageView {
  readonly id: FactId;
  readonly channel: ChannelId;
  readonly author: AuthorityId;
  readonly authorName: string;
  readonly text: string;
  readonly sentAt: PhysicalTime;
  readonly own: boolean;
  /** What the UI shows for own messages: derived only from the message's OptimisticStatus. */
  readonly indicator: OptimisticIndicator;
  /** For a Syncing indicator, how far it got ("1 of 2 members"); null otherwise. */
  readonly progress: OptimisticProgress | null;
  /** Expected acknowledgers (channel members other than the author). */
  readonly expected: readonly AuthorityId[];
  /** Sorted by emoji; add-only (spec 002 names no removal). */
  readonly reactions: readonly ReactionView[];
}

/** Display names: of an authority as its genesis (carried by its member binding) states it; of a peer device, its authority's. */
export interface NamesApi {
  nameOf(authority: AuthorityId): string;
  ofDevice(device: DeviceId): string | null;
  /** States this authority's new display name to its devices and every context it is in (latest wins). */
  setDisplayName(name: string): Promise<void>;
}

/**
 * Channel settings and reactions (category A). Each is refused here with AuthorizationDenied when this
 * authority lacks the right (`rightsOf`), but what enforces it is every receiver's authorization rule.
 */
export interface ChatApi {
  renameChannel(channel: ChannelId, name: string): Promise<FactId>;
  setTopic(channel: ChannelId, topic: string): Promise<FactId>;
  react(channel: ChannelId, message: FactId, emoji: string): Promise<FactId>;
}

/** The details popover of a status indicator reads exactly this. */
/** What finalized a fact: which consensus, when its commit was written, which witnesses signed. */
export interface FinalityDetails {
  readonly consensusId: string;
  readonly committedAt: PhysicalTime;
  /** Display names of the witnesses' authorities, sorted. */
  readonly witnesses: readonly string[];
}

export interface StatusDetails {
  readonly agreement: Agreement;
  readonly finality: FinalityDetails | null;
  readonly propagation: Propagation;
  readonly acks: readonly AckRecord[];
  readonly expected: readonly AuthorityId[];
}

export interface DeviceInfo {
  readonly profile: string;
  readonly deviceId: DeviceId;
  readonly authorityId: AuthorityId | null;
  readonly displayName: string | null;
  readonly factCount: number;
  /** navigator.storage.estimate(), when the platform offers it. */
  readonly storage: { readonly usage: number; readonly quota: number } | null;
}

/** Typed, user-presentable failures of a local write. */
export type NodeErrorCode =
  | 'NoIdentity'
  | 'IdentityExists'
  | 'UnknownChannel'
  | 'AuthorizationDenied'
  | 'InsufficientBudget'
  | 'JournalCommitFailed'
  | 'StorageQuotaExceeded'
  | 'StorageFailed'
  | 'InvalidInput'
  | 'InvalidJoinCode'
  | 'ContextConflict'
  | 'InvalidCode'
  | 'DeviceRemoved'
  | 'CeremonyRunning'
  | 'UnknownGroup'
  | 'NotAContact'
  | 'NotAMember'
  | 'Offline'
  | 'NoWitnessGroup'
  | 'NothingToSnapshot'
  | 'NodeClosed';

export class NodeError extends AuraError<NodeErrorCode> {
  override readonly name = 'NodeError';
  constructor(
    code: NodeErrorCode,
    message: string,
    /** For InsufficientBudget: the epoch from which sending can resume. */
    readonly resumeAtEpoch?: number,
    /** For InsufficientBudget: when that epoch starts (ms since the Unix epoch). */
    readonly resumeAt?: number,
  ) {
    super(code, message);
  }
}

/** What the React layer sees of a node. Queries are synchronous reads of reduced state. */
/** Devices of this person: the enrollment ceremony on both of its devices (CeremonyStatus throughout). */
export interface DevicesApi {
  /** Running ceremonies (latest first), then the last finished ones. */
  ceremonies(): readonly EnrollmentCeremony[];
  /** Starts "Add a device": a code to show the new device; supersedes an earlier one still waiting. */
  addDevice(): EnrollmentCeremony;
  /** "This is another device of mine", on a device without an identity; refused typed for a bad code. */
  enrollWithCode(code: string): EnrollmentCeremony;
  cancel(id: string): void;
  /** Removes another device (RemoveLeaf): from then on every context refuses what it writes. */
  removeDevice(device: DeviceId): Promise<void>;
}

/** A contact: another authority met by the invitation ceremony, with the pairwise context both hold. */
export interface ContactView {
  readonly authority: AuthorityId;
  /** The name it last stated (`profile.name`), else the one the ceremony carried (its genesis name). */
  readonly displayName: string;
  /** The name this device gave it (local, never a fact); null when none. */
  readonly petname: string | null;
  readonly context: ContextId;
  /** Its devices, as its member binding in that context proves them (empty until that binding is here). */
  readonly devices: readonly DeviceId[];
  /** The two's channel in that context, once its facts are here. */
  readonly channel: ChannelId | null;
  /** Both sides show the same: compare it out of band. */
  readonly fingerprint: string;
  readonly since: PhysicalTime;
}

/** Contacts: the invitation ceremony on both sides (CeremonyStatus throughout), and the contacts it made. */
export interface ContactsApi {
  /** Running ceremonies (latest first), then the last finished ones. */
  ceremonies(): readonly InvitationCeremony[];
  /** "Add a contact": a code to give the other person; supersedes an earlier invite still open. */
  invite(): InvitationCeremony;
  /** Enters someone's invite code; refused typed for a bad or expired code. Answer with accept or decline once shown who invites. */
  acceptCode(code: string): InvitationCeremony;
  accept(id: string): Promise<void>;
  decline(id: string): void;
  cancel(id: string): void;
  contacts(): readonly ContactView[];
  /** Names a contact on this device only; an empty name removes the petname. */
  setPetname(authority: AuthorityId, name: string): Promise<void>;
}

/** The authority's threshold policy: a DKG among its devices, then tree ops attested by their consensus. */
export interface ThresholdApi {
  /** t = 1 is one device's word; t ≥ 2 runs a DKG among every device of the account first. */
  setThreshold(threshold: number): Promise<void>;
  /** The latest threshold change on this device, with where it stands. */
  policyChange(): PolicyChange | null;
  /** Tree ops waiting for the devices' attestation (PendingEpoch). */
  pendingOps(): readonly WaitingOp[];
}

export type UpgradesApi = Pick<UpgradesModule, 'view' | 'activate' | 'rotateEpoch'>;

export interface AuraNodeApi {
  readonly profile: string;
  /** Increases on every change; hooks subscribe to it. */
  readonly version: number;
  subscribe(listener: () => void): () => void;

  identity(): Identity | null;
  createIdentity(displayName: string): Promise<Identity>;

  channels(): QueryResult<readonly ChannelSummary[]>;
  createChannel(name: string): Promise<ChannelId>;
  /** The channel's messages in fact order; with `limit`, only the newest `limit` of them. */
  messages(channel: ChannelId, limit?: number): QueryResult<readonly MessageView[]>;
  sendMessage(channel: ChannelId, text: string): Promise<FactId>;
  readonly chat: ChatApi;
  statusDetails(fact: FactId): StatusDetails | null;
  /** This authority: its TreeStateSummary (epoch, commitment, threshold, device count) and devices; null before an identity. */
  account(): AccountView | null;
  readonly devices: DevicesApi;
  readonly threshold: ThresholdApi;
  readonly contacts: ContactsApi;
  readonly groups: GroupsApi;
  readonly proposals: ProposalsApi;
  readonly guardians: GuardiansApi;
  readonly snapshots: SnapshotsApi;
  /** Maintenance → Storage: samples of this device's storage over time, and what each snapshot freed. */
  readonly storage: StorageApi;
  readonly backups: BackupApi;
  /** Maintenance → Upgrades: the version run and required, activations, peers' advertised versions. */
  readonly upgrades: UpgradesApi;
  /** Maintenance → Caches: derived state under CacheInvalidated floors. */
  readonly caches: CachesApi;
  /** The lab: this tab's injected network faults (offline, partitions, latency, loss). */
  readonly faults: FaultsApi;

  /** A copyable code that lets another device join the channel's context (it carries the context secret). */
  joinCode(channel: ChannelId): string;
  /** Joins the context a join code names; its channel appears once a member shares its history. */
  joinChannel(code: string): Promise<ContextId>;
  /** Relay reachability, connected peers and by which transport, counted drops. */
  network(): NetStatus;
  /** Anti-entropy: peers with score and success rate, recent syncs, sessions running (null offline). */
  syncMetrics(): SyncMetrics | null;
  /** Reconciles with every connected peer now. */
  syncNow(): Promise<void>;
  /** Forwarding with receipts: per peer, direct or via which member, with counts forwarded and refused. */
  readonly forwarding: { status(): ForwardingStatus };

  readonly names: NamesApi;
  /** The network lab: every tab of this browser, their convergence, and faults set on any of them. */
  readonly lab: LabApi;

  deviceInfo(): Promise<DeviceInfo>;
  close(): Promise<void>;
}
