import { ed25519_FROST } from '@noble/curves/ed25519.js';
import type { NonceCommitments, Nonces } from '@noble/curves/abstract/frost.js';
import { compareStrings } from '../compare.ts';
import {
  checkedRandom,
  FrostError,
  frostFailure,
  type FrostKeyPackage,
  type FrostPublicPackage,
  type ParticipantId,
  type RandomBytes,
} from './frost.ts';

/**
 * Two-round FROST signing (RFC 9591 §5). Round 1: each chosen signer commits to fresh nonces and
 * publishes the commitments. Round 2: given the full commitment list and the message, each signer
 * produces a signature share; a coordinator aggregates them into one 64-byte signature that is an
 * ordinary Ed25519 signature under the group public key.
 */

/** Public round-1 output of one signer, shared with the coordinator and the other signers. */
export type SigningCommitments = NonceCommitments;

export interface SignatureShare {
  readonly participant: ParticipantId;
  readonly share: Uint8Array;
}

/**
 * Opaque handle on one signer's secret nonces. The nonces live only in this module's memory: the
 * handle carries no secret, so serializing or cloning it yields nothing usable, and a page reload
 * abandons the signing session. Each handle signs at most once.
 */
export interface SigningNonces {
  readonly participant: ParticipantId;
}

// null marks a consumed handle, so reuse is told apart from a handle we never issued.
const nonceStore = new WeakMap<SigningNonces, Nonces | null>();

/** Consumes the nonces: any signing attempt spends them, even one that then fails (fail closed). */
function takeNonces(handle: SigningNonces): Nonces {
  const nonces = nonceStore.get(handle);
  if (nonces === undefined) throw new FrostError('InvalidSigningPackage', 'nonces were not issued by frostCommit');
  if (nonces === null) throw new FrostError('NonceReused', 'signing nonces were already used', [handle.participant]);
  nonceStore.set(handle, null);
  return nonces;
}

/** Round 1: fresh nonces (hedged with our signing share, RFC 9591 §4.1) and their public commitments. */
export function frostCommit(
  key: FrostKeyPackage,
  random: RandomBytes,
): { readonly nonces: SigningNonces; readonly commitments: SigningCommitments } {
  let out: ReturnType<typeof ed25519_FROST.commit>;
  try {
    out = ed25519_FROST.commit(key.secret, checkedRandom(random));
  } catch (e) {
    throw frostFailure(e, 'InvalidSigningPackage', 'commit');
  }
  const nonces: SigningNonces = Object.freeze({ participant: key.participant });
  nonceStore.set(nonces, out.nonces);
  return { nonces, commitments: out.commitments };
}

/** Same rules for signers and coordinator: t..n distinct signers, each a member of the key set. */
function checkCommitmentList(pub: FrostPublicPackage, commitments: readonly SigningCommitments[]): void {
  const { min, max } = pub.signers;
  if (commitments.length < min) {
    throw new FrostError('NotEnoughShares', `${commitments.length} signers committed, ${min} needed`);
  }
  if (commitments.length > max) throw new FrostError('InvalidSigningPackage', `more than ${max} signers`);
  const seen = new Set<ParticipantId>();
  for (const c of commitments) {
    if (seen.has(c.identifier)) throw new FrostError('InvalidSigningPackage', 'duplicate signer', [c.identifier]);
    if (!Object.hasOwn(pub.verifyingShares, c.identifier)) {
      throw new FrostError('InvalidSigningPackage', 'signer is not in the key set', [c.identifier]);
    }
    seen.add(c.identifier);
  }
}

/** Round 2: our share of the signature over `message`, bound to exactly this commitment list. */
export function frostSignShare(
  key: FrostKeyPackage,
  nonces: SigningNonces,
  commitments: readonly SigningCommitments[],
  message: Uint8Array,
): SignatureShare {
  if (nonces.participant !== key.participant) {
    throw new FrostError('InvalidSigningPackage', 'nonces belong to another participant', [nonces.participant]);
  }
  const secretNonces = takeNonces(nonces);
  try {
    checkCommitmentList(key.public, commitments);
    if (!commitments.some((c) => c.identifier === key.participant)) {
      throw new FrostError('InvalidSigningPackage', 'our commitment is missing', [key.participant]);
    }
    const share = ed25519_FROST.signShare(key.secret, key.public, secretNonces, [...commitments], message);
    return { participant: key.participant, share };
  } catch (e) {
    throw frostFailure(e, 'InvalidSigningPackage', 'sign share');
  } finally {
    // noble zeroes them only on success; spent nonces must not linger either way.
    secretNonces.hiding.fill(0);
    secretNonces.binding.fill(0);
  }
}

/** Checks one signer's share (RFC 9591 §5.4), e.g. to drop a misbehaving signer early. */
export function frostVerifyShare(
  pub: FrostPublicPackage,
  commitments: readonly SigningCommitments[],
  message: Uint8Array,
  share: SignatureShare,
): boolean {
  try {
    return ed25519_FROST.verifyShare(pub, [...commitments], message, share.participant, share.share);
  } catch {
    return false;
  }
}

function isCanonicalScalar(bytes: Uint8Array): boolean {
  try {
    ed25519_FROST.utils.Fn.fromBytes(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Coordinator: combine one share from every committed signer into the group signature. noble
 * checks the result against the group key and, if it fails, each share; a bad share surfaces as
 * InvalidShare naming the culprits, a missing one as NotEnoughShares naming who did not answer.
 */
export function frostAggregate(
  pub: FrostPublicPackage,
  commitments: readonly SigningCommitments[],
  message: Uint8Array,
  shares: readonly SignatureShare[],
): Uint8Array {
  checkCommitmentList(pub, commitments);
  const committed = new Set(commitments.map((c) => c.identifier));
  const byParticipant: Record<ParticipantId, Uint8Array> = {};
  for (const s of shares) {
    if (!committed.has(s.participant)) {
      throw new FrostError('InvalidSigningPackage', 'share from a signer who did not commit', [s.participant]);
    }
    if (Object.hasOwn(byParticipant, s.participant)) {
      throw new FrostError('InvalidSigningPackage', 'duplicate share', [s.participant]);
    }
    byParticipant[s.participant] = s.share;
  }
  const missing = commitments.map((c) => c.identifier).filter((id) => !Object.hasOwn(byParticipant, id));
  if (missing.length > 0) {
    throw new FrostError('NotEnoughShares', 'committed signers without a share', missing.sort(compareStrings));
  }
  // noble would reject malformed scalars before it can attribute them; attribute them here.
  const malformed = shares.filter((s) => !isCanonicalScalar(s.share)).map((s) => s.participant);
  if (malformed.length > 0) {
    throw new FrostError('InvalidShare', 'malformed signature share', malformed.sort(compareStrings));
  }
  try {
    return ed25519_FROST.aggregate(pub, [...commitments], message, byParticipant);
  } catch (e) {
    const cheaters = (e as { cheaters?: unknown }).cheaters;
    if (Array.isArray(cheaters) && cheaters.length > 0) {
      const culprits = cheaters.filter((c): c is ParticipantId => typeof c === 'string').sort(compareStrings);
      throw new FrostError('InvalidShare', 'signature share does not verify', culprits, { cause: e });
    }
    throw frostFailure(e, 'InvalidSigningPackage', 'aggregate');
  }
}

/** Checks a group signature; the same bytes also verify with plain Ed25519 under `groupPublicKey`. */
export function frostVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519_FROST.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
