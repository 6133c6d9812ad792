import type { DeviceId, AuthorityId } from '../../ids.ts';
import { compareStrings } from '../../compare.ts';
import type { TreeOpKind } from '../../facts/kinds/tree.ts';
import { buildTree, setLeaf, setPolicy } from './commitment.ts';
import { recoveryAttested } from './recovery.ts';
import { deviceCount, leafIndexOf, type TreeState } from './tree-state.ts';

export type TreeOpRejection =
  | 'NotADevice'
  | 'AlreadyADevice'
  | 'UnknownDevice'
  | 'ThresholdTooHigh'
  | 'LastDevice'
  | 'GroupKeyMismatch'
  | 'GuardianLeaf'
  | 'NoGuardians'
  | 'BadRecoverySignature';

/**
 * Applies one op to its parent state, or says why it cannot apply there. Only a device of the parent
 * state may change the tree, except a recovery, which the guardians' threshold signature attests instead;
 * a policy can never ask for more signers than there are devices (or guardians).
 */
/** `authority` is needed only to check a recovery's signature (without it, a recovery is refused). */
export function applyTreeOp(s: TreeState, by: DeviceId, op: TreeOpKind, authority?: AuthorityId): TreeState | TreeOpRejection {
  if (op.type === 'Recover') return recover(s, by, op, authority);
  if (leafIndexOf(s, by) < 0) return 'NotADevice';
  switch (op.type) {
    case 'AddLeaf': {
      if (op.role !== 'device') return 'GuardianLeaf';
      if (leafIndexOf(s, op.device) >= 0) return 'AlreadyADevice';
      const blank = s.leaves.indexOf(null);
      return setLeaf(s, blank >= 0 ? blank : s.leaves.length, { device: op.device, role: op.role });
    }
    case 'RemoveLeaf': {
      const i = leafIndexOf(s, op.device);
      if (i < 0) return 'UnknownDevice';
      const remaining = deviceCount(s) - 1;
      if (remaining < 1) return 'LastDevice';
      if (remaining < s.threshold) return 'ThresholdTooHigh';
      return setLeaf(s, i, null);
    }
    case 'UpdatePolicy':
      if (op.threshold > deviceCount(s)) return 'ThresholdTooHigh';
      // A threshold of 2 or more needs the group key that will attest later ops; threshold 1 has none.
      if ((op.threshold >= 2) !== (op.groupKey !== undefined)) return 'GroupKeyMismatch';
      return setPolicy(s, { threshold: op.threshold, groupKey: op.groupKey ?? null });
    case 'SetGuardians': {
      if (op.threshold > op.guardians.length) return 'ThresholdTooHigh';
      const guardians = [...op.guardians].sort((a, b) => compareStrings(a.authority, b.authority));
      return setPolicy(s, { guardians: { threshold: op.threshold, groupKey: op.groupKey, guardians, delayMs: op.delayMs } });
    }
    case 'RotateEpoch':
      return buildTree(s.commitment, s.epoch + 1, s.leaves, s);
  }
}

/**
 * The new device, writing for itself, replaces every device: one leaf, threshold 1 (the devices' group key
 * went with them), the guardians kept, a new epoch.
 */
function recover(s: TreeState, by: DeviceId, op: Extract<TreeOpKind, { type: 'Recover' }>, authority: AuthorityId | undefined): TreeState | TreeOpRejection {
  if (s.guardians === null) return 'NoGuardians';
  if (by !== op.device) return 'NotADevice';
  if (authority === undefined || !recoveryAttested(authority, s, op)) return 'BadRecoverySignature';
  return buildTree(s.commitment, s.epoch + 1, [{ device: op.device, role: 'device' }], { threshold: 1, groupKey: null, guardians: s.guardians });
}
