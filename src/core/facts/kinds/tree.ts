import { deviceId, hash32, int, literal, obj, union, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

export const TreeOpKind = union({
  AddLeaf: obj({ type: literal('AddLeaf'), device: deviceId, role: literal('device', 'guardian') }),
  RemoveLeaf: obj({ type: literal('RemoveLeaf'), device: deviceId }),
  // At a threshold of 2 or more, the group key of the devices' DKG (hex), which then attests every op.
  UpdatePolicy: obj({ type: literal('UpdatePolicy'), threshold: int({ min: 1, max: 1024 }) }, { groupKey: hash32 }),
  RotateEpoch: obj({ type: literal('RotateEpoch') }),
});
export type TreeOpKind = Infer<typeof TreeOpKind>;

/** A commitment-tree operation names the state it applies to: (parent epoch, parent commitment). */
export const TreeOpBody = obj({ parentEpoch: int(), parentCommitment: hash32, op: TreeOpKind });
export type TreeOpBody = Infer<typeof TreeOpBody>;

export const treeKinds = {
  'tree.op': kind('authority', TreeOpBody),
};
