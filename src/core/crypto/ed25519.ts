import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex } from '../encoding/bytes.ts';
import type { DeviceId } from '../ids.ts';
import { deviceIdFromPublicKey } from './device-id.ts';

export interface DeviceKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly deviceId: DeviceId;
}

/** Device keys come from a 32-byte seed the caller supplies, so the core never draws randomness. */
export function deviceKeyFromSeed(seed: Uint8Array): DeviceKey {
  if (seed.length !== 32) throw new Error('seed must be 32 bytes');
  const publicKey = ed25519.getPublicKey(seed);
  return { secretKey: seed, publicKey, deviceId: deviceIdFromPublicKey(publicKey) };
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Signs with one device key; may run on the platform (Ed25519 signatures are deterministic: same bytes). */
export type Signer = (message: Uint8Array) => Promise<Uint8Array>;

export const pureSigner = (key: DeviceKey): Signer => async (message) => sign(message, key.secretKey);

/** p = 2^255 − 19 and the group order L, little-endian, as they appear in encodings. */
const P_BYTES = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
const L_BYTES = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');

/**
 * The y coordinates of the 8 points of small order (the identity, and the torsion points of order 2, 4
 * and 8): an encoding with one of these, whatever its sign bit, is refused.
 */
const SMALL_ORDER_Y = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
].map(fromHex);

/** Byte i of a point encoding's y: the top bit of the last byte is the sign of x, not part of y. */
const yByte = (b: Uint8Array, i: number): number => (i === 31 ? b[i]! & 0x7f : b[i]!);

function lessThan(b: Uint8Array, bound: Uint8Array, byte: (b: Uint8Array, i: number) => number): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = byte(b, i);
    if (x !== bound[i]) return x < bound[i]!;
  }
  return false;
}

function isSmallOrderY(b: Uint8Array): boolean {
  return SMALL_ORDER_Y.some((y) => y.every((v, i) => yByte(b, i) === v));
}

/** A canonical encoding (y < p) not of a small-order point; whether y is on the curve the verifier decides. */
function acceptablePoint(b: Uint8Array): boolean {
  return lessThan(b, P_BYTES, yByte) && !isSmallOrderY(b);
}

/**
 * The one Ed25519 acceptance rule, applied before every verification (noble's here, WebCrypto's in the
 * node): the public key and R canonically encoded and not of small order, S canonical (S < L). Verifiers
 * differ on exactly these inputs — WebCrypto in Node takes the identity key as signing everything, and
 * takes a non-canonical key; noble with ZIP-215 takes non-canonical R — so after this rule they agree.
 * Byte comparisons only: cheap enough to run in front of the fast platform verifier.
 */
export function acceptableSignature(signature: Uint8Array, publicKey: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    publicKey.length === 32 &&
    acceptablePoint(publicKey) &&
    acceptablePoint(signature.subarray(0, 32)) &&
    lessThan(signature.subarray(32), L_BYTES, (b, i) => b[i]!)
  );
}

const { Point } = ed25519;

/**
 * Strict verification: the acceptance rule, then the cofactorless equation [S]B = R + [k]A that WebCrypto
 * implementations check (BoringSSL, OpenSSL, NSS). noble's own verify is cofactored, so it would accept
 * keys or R with a torsion component that the platform refuses.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!acceptableSignature(signature, publicKey)) return false;
  const r = signature.subarray(0, 32);
  try {
    const A = Point.fromBytes(publicKey);
    const R = Point.fromBytes(r);
    const k = Point.Fn.create(bytesToNumberLE(sha512(concatBytes(r, publicKey, message))));
    const s = bytesToNumberLE(signature.subarray(32));
    return Point.BASE.multiplyUnsafe(s).equals(R.add(A.multiplyUnsafe(k)));
  } catch {
    // A key or R that is not on the curve.
    return false;
  }
}
