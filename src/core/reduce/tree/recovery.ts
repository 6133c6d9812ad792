import { commitVerifies } from '../../authz/consensus-commit.ts';
import { fromHex } from '../../encoding/bytes.ts';
import type { TreeOpKind } from '../../facts/kinds/tree.ts';
import { authorityNamespace, type AuthorityId, type DeviceId, type Hash32 } from '../../ids.ts';
import type { TreeState } from './tree-state.ts';

type Recover = Extract<TreeOpKind, { type: 'Recover' }>;

/**
 * What the guardians sign to re-admit `device` to `authority` (DESIGN §2): a consensus decision in the
 * authority's namespace over the state being recovered (prestate = its commitment), so the guardians run the
 * ordinary Aura Consensus (`protocols/consensus/`) and a signature for one state never applies to another.
 */
export function recoveryDecision(authority: AuthorityId, parent: Hash32, device: DeviceId) {
  return { ns: authorityNamespace(authority), consensusId: `recover:${device}`, prestateHash: parent, covers: [authority] };
}

/** Whether the guardians' threshold signature in `op` verifies under `parent`'s guardian key. */
export function recoveryAttested(authority: AuthorityId, parent: TreeState, op: Recover): boolean {
  if (parent.guardians === null) return false;
  const { ns, ...decision } = recoveryDecision(authority, parent.commitment, op.device);
  return commitVerifies(ns, { ...decision, signers: op.signers, signature: op.signature }, fromHex(parent.guardians.groupKey));
}
