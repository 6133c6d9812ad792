import { arr, bool, bytes, cid, deviceId, hash32, ident, int, obj, type Infer } from '../schema.ts';
import { MAX_GUARDIANS, MAX_RECOVERY_DELAY_MS } from './tree.ts';
import { kind } from './kind-spec.ts';

/**
 * Guardian setup (DESIGN §2, §7), written in the pairwise context of the authority and each guardian, so only
 * the two of them read it: the authority asks (the same ceremony id, guardians, threshold, waiting period and
 * guardian-channel secret in every pair), each guardian answers with the device that will hold its share, the
 * authority names the devices once all accepted, and each guardian states the group key its DKG gave.
 */
export const GuardianRequest = obj({
  ceremony: ident,
  threshold: int({ min: 1, max: MAX_GUARDIANS }),
  guardians: arr(cid, { min: 1, max: MAX_GUARDIANS, unique: true }),
  delayMs: int({ min: 0, max: MAX_RECOVERY_DELAY_MS }),
  /** The guardians' own sealed channel (DKG, then recovery consensus); the authority's devices never use it. */
  channel: bytes({ len: 32 }),
  respondBy: int(),
});
export const GuardianAnswer = obj({ ceremony: ident, accept: bool }, { device: deviceId });
export const GuardianReady = obj({ ceremony: ident, devices: arr(deviceId, { min: 1, max: MAX_GUARDIANS, unique: true }) });
export const GuardianKey = obj({ ceremony: ident, groupKey: hash32 });

/**
 * Recovery, also in the pairwise contexts: a guardian's approval or refusal of re-admitting `device` to
 * `authority` (what the authority's surviving devices see), the authority's cancellation, and — in any
 * context — a member re-sharing the secrets of the contexts it shares with a recovered authority, each sealed
 * to the recovered device alone.
 */
export const RecoveryApproval = obj({ authority: cid, device: deviceId, approve: bool });
export const RecoveryCancel = obj({ device: deviceId });
export const RecoveryReshare = obj({ authority: cid, device: deviceId, boxes: arr(bytes({ max: 1024 }), { min: 1, max: 128 }) });

export type GuardianRequest = Infer<typeof GuardianRequest>;
export type GuardianAnswer = Infer<typeof GuardianAnswer>;
export type RecoveryApproval = Infer<typeof RecoveryApproval>;

export const guardianKinds = {
  'guardian.request': kind('context', GuardianRequest),
  'guardian.answer': kind('context', GuardianAnswer),
  'guardian.ready': kind('context', GuardianReady),
  'guardian.key': kind('context', GuardianKey),
  'recovery.approve': kind('context', RecoveryApproval),
  'recovery.cancel': kind('context', RecoveryCancel),
  'recovery.reshare': kind('context', RecoveryReshare),
};
