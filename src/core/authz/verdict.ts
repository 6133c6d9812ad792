import type { AuthorityId, CeremonyId, ChannelId, ConsensusId, DeviceId, Hash32, ProposalId } from '../ids.ts';

/** Why a fact can never be authorized, whatever else arrives. The node drops and counts it by this code. */
export type AuthzRefusal =
  /** A genesis whose body names another device than the one that signed it. */
  | 'GenesisDeviceMismatch'
  /** A 'member' binding that is not a valid self-join (foreign genesis, foreign device, names others). */
  | 'InvalidMemberBinding'
  /** A channel setting (topic, rename) by an author without that right over the channel (`rightsOf`). */
  | 'MissingRight'
  /** A vote by an authority the proposal does not list as a voter. */
  | 'NotVoter'
  /** A ceremony step by neither the ceremony's initiator nor one of its participants. */
  | 'NotCeremonyParty'
  /** A step of a ceremony whose start was invalid (k > n): nothing can ever apply to it. */
  | 'InvalidCeremony'
  /**
   * An admin replacement signed neither by the admin it retires nor attested by the threshold (t ≥ 2); in a
   * group, one whose old admin does not hold the appointment it names (`authz/group-admin-rules.ts`).
   */
  | 'NotCurrentAdmin'
  /** Admission (not a monotone rule): a group admin operation by an admin a handover retired before it. */
  | 'RetiredAdmin'
  /** Admission: a group admin operation by an authority only a handover not in effect then names admin. */
  | 'AdminNotInEffect'
  /** A maintenance decision at t = 1 signed by a device that is not a device of the tree state it names. */
  | 'NotADeviceOfState'
  /** A consensus commit whose threshold signature does not verify under the recorded group key. */
  | 'BadThresholdSignature'
  /** A commit in an authority journal over a tree state that has no group key (threshold 1). */
  | 'NoGroupKey'
  /** A convergence certificate: it carries no witness shares, so nothing about it can be verified. */
  | 'UnverifiableCertificate'
  /** A join, answer or key in a group context by an authority its roster genesis does not invite. */
  | 'NotInvited'
  /** A guardian's answer or key by an authority the guardian request does not name (or by the one asking). */
  | 'NotAGuardian'
  /** A guardian approving the recovery of its own authority. */
  | 'SelfApproval'
  /** A roster genesis by someone other than the creator the group's context id names. */
  | 'NotGroupCreator'
  /** A group fact outside a group context. */
  | 'NotAGroup'
  /** A snapshot proposal or completion whose digest is not the one its namespace, epoch and blob make. */
  | 'BadSnapshotDigest'
  /** A snapshot of an authority journal: no witness rule signs those yet. */
  | 'NoSnapshotWitnesses'
  /** A forward receipt chain that does not verify, is of another context, or does not end at its author's device. */
  | 'InvalidReceipt';

/**
 * ok: the fact counts. wait: it may count once what `wait` names arrives (authorization only grows with the
 * fact set). refuse: it never counts.
 */
export type AuthzVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly wait: string }
  | { readonly ok: false; readonly refuse: AuthzRefusal };

export const ALLOW: AuthzVerdict = { ok: true };

export function wait(key: string): AuthzVerdict {
  return { ok: false, wait: key };
}

export function refuse(code: AuthzRefusal): AuthzVerdict {
  return { ok: false, refuse: code };
}

/** What a waiting fact waits for. Each is released by the one kind of fact that can satisfy it. */
export const waitKey = {
  /** A valid self-join of `author` signed by `device` (context namespaces). */
  member: (author: AuthorityId, device: DeviceId) => `member:${author}:${device}`,
  /** `device` becoming a device leaf of a tree state reachable from genesis (authority namespaces). */
  device: (device: DeviceId) => `device:${device}`,
  /** A tree state with this commitment becoming reachable from genesis (authority namespaces). */
  treeState: (commitment: Hash32) => `tree-state:${commitment}`,
  channel: (id: ChannelId) => `channel:${id}`,
  proposal: (id: ProposalId) => `proposal:${id}`,
  ceremony: (id: CeremonyId) => `ceremony:${id}`,
  /** A consensus commit with this id that verifies under the group key. */
  consensus: (id: ConsensusId) => `consensus:${id}`,
  /** The witness set's group key being recorded in the journal. */
  groupKey: 'group-key',
  /** A group context's roster genesis. */
  group: 'group',
  /** A group admin appointment: the counted replacement that makes it (`reduce/group-admins.ts`). */
  appointment: (appointment: Hash32) => `appointment:${appointment}`,
  /** A counted group handover naming this authority its new admin (its channel settings wait for one). */
  admin: (authority: AuthorityId) => `admin:${authority}`,
} as const;
