import { compareStrings } from '../compare.ts';
import type { CeremonyId, ProposalId } from '../ids.ts';

/** How an operation reaches agreement (A optimistic, B deferred by approval, C blocking ceremony). */
export type OperationCategory =
  | { readonly type: 'Optimistic' }
  | { readonly type: 'Deferred'; readonly proposalId: ProposalId }
  | { readonly type: 'Ceremony'; readonly ceremonyId: CeremonyId };

export const OPTIMISTIC: OperationCategory = { type: 'Optimistic' };

export function deferred(proposalId: ProposalId): OperationCategory {
  return { type: 'Deferred', proposalId };
}

export function ceremony(ceremonyId: CeremonyId): OperationCategory {
  return { type: 'Ceremony', ceremonyId };
}

export type CategoryCode = 'A' | 'B' | 'C';

/** Every user-facing operation of the app (DESIGN.md §8) and its category. */
export const OPERATION_CATEGORIES = {
  sendMessage: 'A',
  react: 'A',
  editProfile: 'A',
  createChannel: 'A',
  setChannelTopic: 'A',
  changeMemberPermissions: 'B',
  removeMember: 'B',
  transferOwnership: 'B',
  archiveChannel: 'B',
  changeThresholdPolicy: 'B',
  addContact: 'C',
  createGroup: 'C',
  enrollDevice: 'C',
  removeDevice: 'C',
  /** Setting guardians up for the first time is a rotation from the empty set. */
  rotateGuardians: 'C',
  recoverAuthority: 'C',
  activateUpgrade: 'C',
} as const satisfies Record<string, CategoryCode>;

export type Operation = keyof typeof OPERATION_CATEGORIES;

export function operationCategory(op: Operation): CategoryCode {
  return OPERATION_CATEGORIES[op];
}

/** Narrows untrusted text (e.g. a proposal's `operation` field) to a known operation. */
export function isOperation(s: string): s is Operation {
  return Object.hasOwn(OPERATION_CATEGORIES, s);
}

/**
 * Join for replicas that disagree on an entry's category. Optimistic < Deferred < Ceremony: the stricter
 * category carries the stronger obligations, so it must not be lost. Within Deferred or Ceremony the larger
 * id wins, which is arbitrary but deterministic and makes this a lattice.
 */
const RANK = { Optimistic: 0, Deferred: 1, Ceremony: 2 } as const;

export function joinOperationCategory(a: OperationCategory, b: OperationCategory): OperationCategory {
  const d = RANK[a.type] - RANK[b.type];
  if (d !== 0) return d > 0 ? a : b;
  if (a.type === 'Deferred' && b.type === 'Deferred') return compareStrings(a.proposalId, b.proposalId) >= 0 ? a : b;
  if (a.type === 'Ceremony' && b.type === 'Ceremony') return compareStrings(a.ceremonyId, b.ceremonyId) >= 0 ? a : b;
  return a;
}
