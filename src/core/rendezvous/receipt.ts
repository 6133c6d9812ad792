import { equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey } from '../crypto/ed25519.ts';
import { concatBytes, utf8 } from '../encoding/bytes.ts';
import { decodeCanonical, encodeCanonical } from '../encoding/cbor.ts';
import { DecodeError } from '../encoding/cbor-decode.ts';
import { bytes, deviceId, literal, obj, SchemaError, type Infer } from '../facts/schema.ts';
import type { DeviceId } from '../ids.ts';

/**
 * A device's signed word about exactly the package `pkg` (its digest), addressed to the other side: the
 * enrolling device's confirmation, the invitee's "the invitation is in front of me", the inviter's "I withdraw
 * it" (`withdraw`). The purpose is in the signed bytes, so a receipt never counts for another purpose.
 */
export type ReceiptPurpose = 'enroll' | 'invite' | 'withdraw';

const Receipt = obj({ v: literal(1), to: deviceId, from: deviceId, digest: bytes({ len: 32 }), sig: bytes({ len: 64 }) });
const signedBytes = (purpose: ReceiptPurpose, c: Omit<Infer<typeof Receipt>, 'sig'>) => concatBytes(utf8.encode(`aura/${purpose}/confirm/v1\n`), encodeCanonical(c));

export function confirmPackage(purpose: ReceiptPurpose, key: DeviceKey, to: DeviceId, pkg: Uint8Array): Uint8Array {
  const c = { v: 1 as const, to, from: key.deviceId, digest: sha256(pkg) };
  return encodeCanonical({ ...c, sig: sign(signedBytes(purpose, c), key.secretKey) }).slice();
}

/** Whether `raw` is `from`'s signed receipt, to this device, of exactly the package `pkg`; never throws. */
export function isConfirmationOf(purpose: ReceiptPurpose, raw: Uint8Array, me: DeviceId, from: DeviceId, pkg: Uint8Array): boolean {
  if (raw.length > 512) return false;
  try {
    const { sig, ...c } = Receipt(decodeCanonical(raw), 'receipt');
    return c.to === me && c.from === from && equalBytes(c.digest, sha256(pkg)) && verify(sig, signedBytes(purpose, c), publicKeyOfDevice(from)!);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof SchemaError) return false;
    throw e;
  }
}
