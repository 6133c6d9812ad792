import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { equalBytes } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CONTEXT_SECRET_BYTES } from '../crypto/context-keys.ts';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey } from '../crypto/ed25519.ts';
import { open, seal, SealError, SEAL_NONCE_BYTES } from '../crypto/seal.ts';
import { concatBytes, utf8 } from '../encoding/bytes.ts';
import { decodeCanonical, encodeCanonical } from '../encoding/cbor.ts';
import { DecodeError } from '../encoding/cbor-decode.ts';
import { AuraError } from '../errors.ts';
import { arr, bytes, cid, deviceId, ident, int, literal, obj, SchemaError, type Infer } from '../facts/schema.ts';
import type { AuthorityId, ContextId, DeviceId, Epoch } from '../ids.ts';
import { derive } from './offer.ts';

/**
 * What an enrolling device receives (DESIGN §2): the authority it now writes for, and the secrets of the
 * authority's journal and every context it belongs to, sealed to the new device's key alone (X25519 from
 * its Ed25519 key, with an ephemeral key, bound to the code's secret) and signed by the device that sent it.
 */
export interface EnrollmentContent {
  readonly authority: AuthorityId;
  /** The tree epoch the new device's AddLeaf will attach to. */
  readonly epoch: Epoch;
  readonly secrets: readonly (readonly [ContextId, Uint8Array])[];
}

export const MAX_PACKAGE_BYTES = 16 * 1024;
export const MAX_PACKAGE_SECRETS = 128;

export type PackageErrorCode = 'TooLarge' | 'Malformed' | 'NonCanonical' | 'NotForUs' | 'BadSignature' | 'Forged';

export class PackageError extends AuraError<PackageErrorCode> {
  override readonly name = 'PackageError';
}

const Wire = obj({ v: literal(1), to: deviceId, from: deviceId, eph: bytes({ len: 32 }), box: bytes({ max: MAX_PACKAGE_BYTES }), sig: bytes({ len: 64 }) });
const Secrets = arr(obj({ c: ident, s: bytes({ len: CONTEXT_SECRET_BYTES }) }), { min: 1, max: MAX_PACKAGE_SECRETS });
const Inner = obj({ authority: cid, epoch: int({ min: 0 }), secrets: Secrets });

const signedBytes = (w: Omit<Infer<typeof Wire>, 'sig'>) => concatBytes(utf8.encode('aura/enroll/package/v1\n'), encodeCanonical(w));

function boxKey(shared: Uint8Array, codeSecret: Uint8Array, eph: Uint8Array, to: DeviceId): Uint8Array {
  return hkdf(sha256, shared, derive(codeSecret, 'package-salt', 32), concatBytes(eph, utf8.encode(to)), 32);
}

/** Seals `content` to device `to`; `random` gives the ephemeral key and the nonce (the core draws none). */
export function sealPackage(key: DeviceKey, to: DeviceId, codeSecret: Uint8Array, content: EnrollmentContent, random: (n: number) => Uint8Array): Uint8Array {
  const ephSecret = random(32);
  const eph = x25519.getPublicKey(ephSecret);
  const shared = x25519.getSharedSecret(ephSecret, ed25519.utils.toMontgomery(publicKeyOfDevice(to)!));
  const inner = encodeCanonical({ authority: content.authority, epoch: content.epoch, secrets: content.secrets.map(([c, s]) => ({ c, s })) });
  const box = seal(boxKey(shared, codeSecret, eph, to), random(SEAL_NONCE_BYTES), inner, utf8.encode(to));
  const w = { v: 1 as const, to, from: key.deviceId, eph, box };
  return encodeCanonical({ ...w, sig: sign(signedBytes(w), key.secretKey) }).slice();
}

function sharedWith(key: DeviceKey, eph: Uint8Array): Uint8Array {
  try {
    return x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(key.secretKey), eph);
  } catch (e) {
    // noble refuses low-order points with a plain Error: only a forged ephemeral key gets here.
    throw new PackageError('Forged', e instanceof Error ? e.message : 'bad ephemeral key');
  }
}

/** The sender and content of a package for this device, or a typed refusal; never an untyped throw. */
export function openPackage(key: DeviceKey, codeSecret: Uint8Array, raw: Uint8Array): { from: DeviceId; content: EnrollmentContent } {
  if (raw.length > MAX_PACKAGE_BYTES + 512) throw new PackageError('TooLarge', `${raw.length} bytes`);
  let w: Infer<typeof Wire>;
  let inner: Infer<typeof Inner>;
  try {
    w = Wire(decodeCanonical(raw), 'package');
    if (w.to !== key.deviceId) throw new PackageError('NotForUs', 'for another device');
    const { sig, ...signed } = w;
    if (!verify(sig, signedBytes(signed), publicKeyOfDevice(w.from)!)) throw new PackageError('BadSignature', 'signature does not verify');
    const shared = sharedWith(key, w.eph);
    inner = Inner(decodeCanonical(open(boxKey(shared, codeSecret, w.eph, w.to), w.box, utf8.encode(w.to))), 'package.content');
  } catch (e) {
    if (e instanceof PackageError) throw e;
    if (e instanceof DecodeError) throw new PackageError(e.code === 'NonCanonical' ? 'NonCanonical' : 'Malformed', e.message);
    if (e instanceof SchemaError) throw new PackageError('Malformed', e.message);
    if (e instanceof SealError) throw new PackageError('Forged', e.message);
    throw e;
  }
  // The authority's own journal secret must come with it: without it the device could never sync its tree.
  if (!inner.secrets.some((x) => x.c === inner.authority)) throw new PackageError('Malformed', 'no secret for the authority journal');
  return { from: w.from, content: { authority: inner.authority, epoch: inner.epoch, secrets: inner.secrets.map((x) => [x.c, x.s] as const) } };
}

const Confirmation = obj({ v: literal(1), to: deviceId, from: deviceId, digest: bytes({ len: 32 }), sig: bytes({ len: 64 }) });
const confirmedBytes = (c: Omit<Infer<typeof Confirmation>, 'sig'>) => concatBytes(utf8.encode('aura/enroll/confirm/v1\n'), encodeCanonical(c));

/** The new device's signed word that it opened `pkg` (its digest): the sender may now add it to the tree. */
export function confirmPackage(key: DeviceKey, to: DeviceId, pkg: Uint8Array): Uint8Array {
  const c = { v: 1 as const, to, from: key.deviceId, digest: sha256(pkg) };
  return encodeCanonical({ ...c, sig: sign(confirmedBytes(c), key.secretKey) }).slice();
}

/** Whether `raw` is `from`'s signed confirmation, to this device, of exactly the package `pkg`; never throws. */
export function isConfirmationOf(raw: Uint8Array, me: DeviceId, from: DeviceId, pkg: Uint8Array): boolean {
  if (raw.length > 512) return false;
  try {
    const { sig, ...c } = Confirmation(decodeCanonical(raw), 'confirmation');
    return c.to === me && c.from === from && equalBytes(c.digest, sha256(pkg)) && verify(sig, confirmedBytes(c), publicKeyOfDevice(from)!);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof SchemaError) return false;
    throw e;
  }
}
