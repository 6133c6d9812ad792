import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from '../encoding/bytes.ts';
import { decodeCanonical, encodeCanonical } from '../encoding/cbor.ts';
import { DecodeError } from '../encoding/cbor-decode.ts';
import { AuraError } from '../errors.ts';
import { bytes, deviceId, literal, obj, SchemaError, type Infer, type Schema } from '../facts/schema.ts';
import type { DeviceId } from '../ids.ts';
import { publicKeyOfDevice } from './device-id.ts';
import { sign, verify, type DeviceKey } from './ed25519.ts';
import { open, seal, SealError, SEAL_NONCE_BYTES } from './seal.ts';

/**
 * A box from one device to another (enrollment packages, DKG shares): sealed to the recipient's key alone
 * (X25519 from its Ed25519 key, with an ephemeral key; HKDF salted by the caller's `salt`), addressed, and
 * signed by the sending device. Only the recipient opens it; everyone can tell who sent it to whom.
 */
export type BoxErrorCode = 'TooLarge' | 'Malformed' | 'NonCanonical' | 'NotForUs' | 'BadSignature' | 'Forged';

export class BoxError extends AuraError<BoxErrorCode> {
  override readonly name = 'BoxError';
}

const Wire = (max: number) => obj({ v: literal(1), to: deviceId, from: deviceId, eph: bytes({ len: 32 }), box: bytes({ max }), sig: bytes({ len: 64 }) });
type Wire = Infer<ReturnType<typeof Wire>>;

const signedBytes = (domain: string, w: Omit<Wire, 'sig'>) => concatBytes(utf8.encode(`aura/box/v1/${domain}\n`), encodeCanonical(w));

function boxKey(shared: Uint8Array, salt: Uint8Array, eph: Uint8Array, to: DeviceId): Uint8Array {
  return hkdf(sha256, shared, salt, concatBytes(eph, utf8.encode(to)), 32);
}

function sharedWith(key: DeviceKey, eph: Uint8Array): Uint8Array {
  try {
    return x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(key.secretKey), eph);
  } catch (e) {
    // noble refuses low-order points with a plain Error: only a forged ephemeral key gets here.
    throw new BoxError('Forged', e instanceof Error ? e.message : 'bad ephemeral key');
  }
}

/** Seals `plaintext` to device `to`; `random` gives the ephemeral key and the nonce (the core draws none). */
export function sealToDevice(key: DeviceKey, to: DeviceId, domain: string, salt: Uint8Array, plaintext: Uint8Array, random: (n: number) => Uint8Array): Uint8Array {
  const ephSecret = random(32);
  const eph = x25519.getPublicKey(ephSecret);
  const shared = x25519.getSharedSecret(ephSecret, ed25519.utils.toMontgomery(publicKeyOfDevice(to)!));
  const box = seal(boxKey(shared, salt, eph, to), random(SEAL_NONCE_BYTES), plaintext, utf8.encode(to));
  const w = { v: 1 as const, to, from: key.deviceId, eph, box };
  return encodeCanonical({ ...w, sig: sign(signedBytes(domain, w), key.secretKey) }).slice();
}

/** The sender and plaintext of a box for this device, or a typed refusal (BoxError); never an untyped throw. */
export function openFromDevice(key: DeviceKey, domain: string, salt: Uint8Array, raw: Uint8Array, maxBytes: number): { from: DeviceId; plaintext: Uint8Array } {
  if (raw.length > maxBytes + 512) throw new BoxError('TooLarge', `${raw.length} bytes`);
  try {
    const w = Wire(maxBytes)(decodeCanonical(raw), 'box');
    if (w.to !== key.deviceId) throw new BoxError('NotForUs', 'for another device');
    const { sig, ...signed } = w;
    if (!verify(sig, signedBytes(domain, signed), publicKeyOfDevice(w.from)!)) throw new BoxError('BadSignature', 'signature does not verify');
    return { from: w.from, plaintext: open(boxKey(sharedWith(key, w.eph), salt, w.eph, w.to), w.box, utf8.encode(w.to)) };
  } catch (e) {
    if (e instanceof BoxError) throw e;
    if (e instanceof DecodeError) throw new BoxError(e.code === 'NonCanonical' ? 'NonCanonical' : 'Malformed', e.message);
    if (e instanceof SchemaError) throw new BoxError('Malformed', e.message);
    if (e instanceof SealError) throw new BoxError('Forged', e.message);
    throw e;
  }
}

/** `openFromDevice`, then the plaintext as canonical CBOR of `schema`'s shape: a misshapen one is `Malformed`. */
export function openShapedFromDevice<T>(key: DeviceKey, domain: string, salt: Uint8Array, raw: Uint8Array, maxBytes: number, schema: Schema<T>): { from: DeviceId; inner: T } {
  const { from, plaintext } = openFromDevice(key, domain, salt, raw, maxBytes);
  try {
    return { from, inner: schema(decodeCanonical(plaintext), domain) };
  } catch (e) {
    if (e instanceof DecodeError || e instanceof SchemaError) throw new BoxError('Malformed', e.message);
    throw e;
  }
}
