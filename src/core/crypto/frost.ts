import { ed25519_FROST } from '@noble/curves/ed25519.js';
import type { FrostPublic, FrostSecret, Signers } from '@noble/curves/abstract/frost.js';
import { AuraError } from '../errors.ts';

/**
 * Shared vocabulary of the threshold-signature wrapper over `ed25519_FROST` (RFC 9591,
 * FROST-ED25519-SHA512-v1): participant ids, the typed error and the caller-supplied randomness.
 * Key generation lives in frost-dkg.ts, signing in frost-sign.ts.
 */

/** A participant's FROST identifier: a non-zero scalar, canonical 64-char lowercase hex (noble's form). */
export type ParticipantId = string;

/** `min` of `max` participants must sign. noble's FROST needs 2 <= min <= max: 1-of-n is a plain key. */
export type FrostSigners = Signers;

/** Public key-set package every participant ends up with: threshold, VSS commitments, verifying shares. */
export type FrostPublicPackage = FrostPublic;

/** One participant's result of key generation. `secret.signingShare` is the only secret in it. */
export interface FrostKeyPackage {
  readonly participant: ParticipantId;
  readonly secret: FrostSecret;
  readonly public: FrostPublicPackage;
}

/**
 * Source of fresh random bytes, supplied by the caller so the core never draws randomness itself
 * (the shell passes crypto.getRandomValues; tests pass a seeded stream).
 */
export type RandomBytes = (n: number) => Uint8Array;

export type FrostErrorCode =
  | 'InvalidParticipant'
  | 'InvalidThreshold'
  | 'InvalidRandomness'
  | 'DkgFailed'
  | 'NonceReused'
  | 'NotEnoughShares'
  | 'InvalidShare'
  | 'InvalidSigningPackage';

export class FrostError extends AuraError<FrostErrorCode> {
  override readonly name = 'FrostError';
  constructor(
    code: FrostErrorCode,
    message: string,
    /** Who the error is about, sorted: culprits for InvalidShare, non-responders for NotEnoughShares. */
    readonly participants: readonly ParticipantId[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, `${code}: ${message}`, options);
  }
}

/** Rethrows our own errors unchanged and wraps anything noble throws into the given code. */
export function frostFailure(e: unknown, code: FrostErrorCode, message: string): FrostError {
  if (e instanceof FrostError) return e;
  return new FrostError(code, `${message}: ${e instanceof Error ? e.message : String(e)}`, [], { cause: e });
}

/** Identifier derived from a stable label such as an AuthorityId or DeviceId (noble's hash-to-scalar). */
export function participantIdFromString(label: string): ParticipantId {
  if (label.length === 0) throw new FrostError('InvalidParticipant', 'empty label');
  return ed25519_FROST.Identifier.derive(label);
}

/** Identifier from a small positive integer, e.g. a slot index 1..n. */
export function participantIdFromNumber(n: number): ParticipantId {
  if (!Number.isSafeInteger(n) || n < 1) throw new FrostError('InvalidParticipant', `not a positive integer: ${n}`);
  return ed25519_FROST.Identifier.fromNumber(n);
}

/** The group public key: an ordinary 32-byte Ed25519 public key (commitment to the shared secret). */
export function groupPublicKey(pub: FrostPublicPackage): Uint8Array {
  const key = pub.commitments[0];
  if (key === undefined) throw new FrostError('InvalidSigningPackage', 'public package has no commitments');
  return key.slice();
}

/** Wraps the caller's source so a broken one fails as a typed error instead of deep inside noble. */
export function checkedRandom(random: RandomBytes): (n?: number) => Uint8Array<ArrayBuffer> {
  return (n = 32) => {
    const out = random(n);
    if (!(out instanceof Uint8Array) || out.length !== n) {
      throw new FrostError('InvalidRandomness', `random source returned the wrong length for ${n} bytes`);
    }
    return out.slice();
  };
}
