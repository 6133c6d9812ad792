import type { DeviceKey } from '../crypto/ed25519.ts';
import { openShapedFromDevice, sealToDevice } from '../crypto/device-box.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { arr, bytes, cid, ident, int, literal, obj, str, union, type Infer } from '../facts/schema.ts';
import { MAX_GUARDIANS } from '../facts/kinds/tree.ts';
import type { DeviceId } from '../ids.ts';
import { derive } from './offer.ts';

/** A device proof (genesis + ≤ 24 tree ops) fits well within this. */
export const MAX_RECOVERY_MESSAGE_BYTES = 32 * 1024;

/**
 * What a recovering device and the guardians who entered its code say to each other over the code's topic,
 * each message sealed to one device and signed by the sender (DESIGN §2, §7): a guardian's word (approved,
 * refused, cancelled by the owner), the signed recovery with the tree it recovers (`done`), the recovered
 * device's new proof (`recovered`), and a guardian re-sharing the pair's context once it has verified that
 * proof (`secret`). Nothing here is trusted: the recovered tree is checked against the proof's own guardian key.
 */
export const RecoveryMessage = union({
  word: obj({ type: literal('word'), word: literal('approved', 'refused', 'cancelled'), authority: cid, guardian: cid, name: str({ max: 64 }), threshold: int({ min: 1, max: MAX_GUARDIANS }), guardians: int({ min: 1, max: MAX_GUARDIANS }) }),
  done: obj({ type: literal('done'), authority: cid, proof: bytes({ max: 24 * 1024 }), signers: arr(ident, { min: 1, max: MAX_GUARDIANS }), signature: bytes({ len: 64 }) }),
  recovered: obj({ type: literal('recovered'), proof: bytes({ max: 24 * 1024 }) }),
  secret: obj({ type: literal('secret'), context: ident, secret: bytes({ len: 32 }), contact: cid, name: str({ max: 64 }) }),
});
export type RecoveryMessage = Infer<typeof RecoveryMessage>;

const DOMAIN = 'recovery-message';
const salt = (codeSecret: Uint8Array) => derive(codeSecret, `${DOMAIN}-salt`, 32);

export function sealRecoveryMessage(key: DeviceKey, to: DeviceId, codeSecret: Uint8Array, m: RecoveryMessage, random: (n: number) => Uint8Array): Uint8Array {
  return sealToDevice(key, to, DOMAIN, salt(codeSecret), encodeCanonical(m), random);
}

/** The sender and message, or a typed refusal (BoxError); never an untyped throw. */
export function openRecoveryMessage(key: DeviceKey, codeSecret: Uint8Array, raw: Uint8Array): { from: DeviceId; message: RecoveryMessage } {
  const { from, inner } = openShapedFromDevice(key, DOMAIN, salt(codeSecret), raw, MAX_RECOVERY_MESSAGE_BYTES, RecoveryMessage);
  return { from, message: inner };
}

/**
 * A context secret re-shared with a recovered device in a `recovery.reshare` fact, sealed to it alone; with
 * the other authority when the context is the two's pairwise one (so the device lists it as a contact again).
 */
export const ReshareBox = obj({ context: ident, secret: bytes({ len: 32 }) }, { contact: cid, name: str({ max: 64 }) });
export type ReshareBox = Infer<typeof ReshareBox>;
const RESHARE = 'recovery-reshare';
const reshareSalt = derive(new Uint8Array(32), `${RESHARE}-salt`, 32);

export function sealReshare(key: DeviceKey, to: DeviceId, box: ReshareBox, random: (n: number) => Uint8Array): Uint8Array {
  return sealToDevice(key, to, RESHARE, reshareSalt, encodeCanonical(box), random);
}

export function openReshare(key: DeviceKey, raw: Uint8Array): { from: DeviceId; box: ReshareBox } {
  const { from, inner } = openShapedFromDevice(key, RESHARE, reshareSalt, raw, 1024, ReshareBox);
  return { from, box: inner };
}
