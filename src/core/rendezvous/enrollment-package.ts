import { CONTEXT_SECRET_BYTES } from '../crypto/context-keys.ts';
import type { DeviceKey } from '../crypto/ed25519.ts';
import { BoxError, openShapedFromDevice, sealToDevice } from '../crypto/device-box.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { arr, bytes, cid, ident, int, obj } from '../facts/schema.ts';
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

/** A package that does not open: the device box's refusals (BoxError), named for what they refuse here. */
export { BoxError as PackageError } from '../crypto/device-box.ts';

const DOMAIN = 'enroll-package';
const Secrets = arr(obj({ c: ident, s: bytes({ len: CONTEXT_SECRET_BYTES }) }), { min: 1, max: MAX_PACKAGE_SECRETS });
const Inner = obj({ authority: cid, epoch: int({ min: 0 }), secrets: Secrets });
const salt = (codeSecret: Uint8Array) => derive(codeSecret, 'package-salt', 32);

/** Seals `content` to device `to`, bound to the code's secret; `random` gives the ephemeral key and nonce. */
export function sealPackage(key: DeviceKey, to: DeviceId, codeSecret: Uint8Array, content: EnrollmentContent, random: (n: number) => Uint8Array): Uint8Array {
  const inner = encodeCanonical({ authority: content.authority, epoch: content.epoch, secrets: content.secrets.map(([c, s]) => ({ c, s })) });
  return sealToDevice(key, to, DOMAIN, salt(codeSecret), inner, random);
}

/** The sender and content of a package for this device, or a typed refusal (PackageError); never an untyped throw. */
export function openPackage(key: DeviceKey, codeSecret: Uint8Array, raw: Uint8Array): { from: DeviceId; content: EnrollmentContent } {
  const { from, inner } = openShapedFromDevice(key, DOMAIN, salt(codeSecret), raw, MAX_PACKAGE_BYTES, Inner);
  // The authority's own journal secret must come with it: without it the device could never sync its tree.
  if (!inner.secrets.some((x) => x.c === inner.authority)) throw new BoxError('Malformed', 'no secret for the authority journal');
  return { from, content: { authority: inner.authority, epoch: inner.epoch, secrets: inner.secrets.map((x) => [x.c, x.s] as const) } };
}
