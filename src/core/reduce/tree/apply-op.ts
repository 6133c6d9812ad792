import type { DeviceId } from '../../ids.ts';
import type { TreeOpKind } from '../../facts/kinds/tree.ts';
import { buildTree, setLeaf, setPolicy } from './commitment.ts';
import { deviceCount, leafIndexOf, type TreeState } from './tree-state.ts';

export type TreeOpRejection = 'NotADevice' | 'AlreadyADevice' | 'UnknownDevice' | 'ThresholdTooHigh' | 'LastDevice' | 'GroupKeyMismatch';

/**
 * Applies one op to its parent state, or says why it cannot apply there. Only a device of the parent
 * state may change the tree; a policy can never ask for more signers than there are devices.
 */
export function applyTreeOp(s: TreeState, by: DeviceId, op: TreeOpKind): TreeState | TreeOpRejection {
  if (leafIndexOf(s, by) < 0) return 'NotADevice';
  switch (op.type) {
    case 'AddLeaf': {
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
      return setPolicy(s, op.threshold, op.groupKey ?? null);
    case 'RotateEpoch':
      return buildTree(s.commitment, s.epoch + 1, s.threshold, s.leaves, s.groupKey);
  }
}
