import { arr, bytes, cid, deviceId, hash32, ident, int, literal, obj, union, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

/** Most guardians an authority names (the guardian branch of its tree). */
export const MAX_GUARDIANS = 16;
/** Longest waiting period before guardians sign a recovery: 30 days. */
export const MAX_RECOVERY_DELAY_MS = 30 * 24 * 3600_000;

/** A guardian: a contact authority, and the one device of it that holds the guardian key share. */
export const Guardian = obj({ authority: cid, device: deviceId });
export type Guardian = Infer<typeof Guardian>;

export const TreeOpKind = union({
  // Guardians are never leaves: a 'guardian' leaf is refused (they live in the guardian branch).
  AddLeaf: obj({ type: literal('AddLeaf'), device: deviceId, role: literal('device', 'guardian') }),
  RemoveLeaf: obj({ type: literal('RemoveLeaf'), device: deviceId }),
  // At a threshold of 2 or more, the group key of the devices' DKG (hex), which then attests every op.
  UpdatePolicy: obj({ type: literal('UpdatePolicy'), threshold: int({ min: 1, max: 1024 }) }, { groupKey: hash32 }),
  RotateEpoch: obj({ type: literal('RotateEpoch') }),
  /**
   * The guardian branch (DESIGN §2): t of n contacts whose FROST group key (from their devices' DKG) attests a
   * recovery, and how long guardians wait after approving before they sign (the owner's time to cancel).
   */
  SetGuardians: obj({
    type: literal('SetGuardians'),
    threshold: int({ min: 1, max: MAX_GUARDIANS }),
    guardians: arr(Guardian, { min: 1, max: MAX_GUARDIANS }),
    groupKey: hash32,
    delayMs: int({ min: 0, max: MAX_RECOVERY_DELAY_MS }),
  }),
  /**
   * Recovery: `device` (the op's own author) replaces every device, attested by the guardians' threshold
   * signature over the parent state and the device (`core/reduce/tree/recovery.ts`). `signers` are the
   * guardians' FROST participants whose shares were aggregated (not signed, as in a consensus commit).
   */
  Recover: obj({ type: literal('Recover'), device: deviceId, signers: arr(ident, { min: 1, max: MAX_GUARDIANS, unique: true }), signature: bytes({ len: 64 }) }),
});
export type TreeOpKind = Infer<typeof TreeOpKind>;

/** A commitment-tree operation names the state it applies to: (parent epoch, parent commitment). */
export const TreeOpBody = obj({ parentEpoch: int(), parentCommitment: hash32, op: TreeOpKind });
export type TreeOpBody = Infer<typeof TreeOpBody>;

export const treeKinds = {
  'tree.op': kind('authority', TreeOpBody),
};
