import { ed25519_FROST } from '@noble/curves/ed25519.js';
import type { DKG_Round1, DKG_Round2, DKG_Secret } from '@noble/curves/abstract/frost.js';
import { compareStrings } from '../compare.ts';
import {
  checkedRandom,
  FrostError,
  frostFailure,
  type FrostKeyPackage,
  type FrostSigners,
  type ParticipantId,
  type RandomBytes,
} from './frost.ts';

/**
 * Distributed key generation for FROST (noble's frost-rs style three-round DKG). Every one of the
 * `max` participants takes part; afterwards any `min` of them can sign. Round-1 packages are
 * broadcast, round-2 packages go privately to one recipient each; authenticating and encrypting
 * that transport, and checking the senders are the expected participants, is the caller's job.
 */

/** Broadcast to every other participant: VSS commitments plus a proof of knowledge of the secret. */
export type DkgRound1Package = DKG_Round1;
/** Sent to exactly one recipient over a confidential channel: that recipient's share of our polynomial. */
export type DkgRound2Package = DKG_Round2;

export interface DkgRound2Outgoing {
  readonly to: ParticipantId;
  readonly package: DkgRound2Package;
}

/** Opaque handle on one participant's in-progress DKG. The secret polynomial stays in memory here. */
export interface DkgState {
  readonly participant: ParticipantId;
  readonly signers: FrostSigners;
}

// Keyed by the handle so the secret polynomial never appears on an object callers could serialize.
const secrets = new WeakMap<DkgState, DKG_Secret>();

function secretOf(state: DkgState): DKG_Secret {
  const secret = secrets.get(state);
  if (secret === undefined) throw new FrostError('DkgFailed', 'unknown or finished DKG state');
  return secret;
}

function checkSigners(signers: FrostSigners): void {
  const { min, max } = signers;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 2 || max < min) {
    throw new FrostError('InvalidThreshold', `need 2 <= min <= max, got ${min} of ${max}`);
  }
}

/** Round 1: sample our secret polynomial from `random` and produce the package to broadcast. */
export function dkgRound1(
  self: ParticipantId,
  signers: FrostSigners,
  random: RandomBytes,
): { readonly package: DkgRound1Package; readonly state: DkgState } {
  checkSigners(signers);
  let out: ReturnType<typeof ed25519_FROST.DKG.round1>;
  try {
    out = ed25519_FROST.DKG.round1(self, signers, undefined, checkedRandom(random));
  } catch (e) {
    throw frostFailure(e, 'DkgFailed', 'round 1');
  }
  const state: DkgState = Object.freeze({
    participant: out.public.identifier,
    signers: Object.freeze({ min: signers.min, max: signers.max }),
  });
  secrets.set(state, out.secret);
  return { package: out.public, state };
}

/**
 * Round 2: check every other participant's round-1 package (proofs of knowledge, sizes) and
 * compute the private share for each of them, sorted by recipient.
 */
export function dkgRound2(state: DkgState, received: readonly DkgRound1Package[]): DkgRound2Outgoing[] {
  const secret = secretOf(state);
  let byRecipient: Record<ParticipantId, DkgRound2Package>;
  try {
    byRecipient = ed25519_FROST.DKG.round2(secret, [...received]);
  } catch (e) {
    throw frostFailure(e, 'DkgFailed', 'round 2');
  }
  return Object.keys(byRecipient)
    .sort(compareStrings)
    .map((to) => ({ to, package: byRecipient[to]! }));
}

/**
 * Round 3: verify each received share against its sender's commitments and combine them into our
 * signing share and the group's public package. The state is spent afterwards, success or not,
 * so a failed DKG is restarted from round 1 rather than patched.
 */
export function dkgRound3(
  state: DkgState,
  received1: readonly DkgRound1Package[],
  received2: readonly DkgRound2Package[],
): FrostKeyPackage {
  const secret = secretOf(state);
  secrets.delete(state);
  try {
    const key = ed25519_FROST.DKG.round3(secret, [...received1], [...received2]);
    return { participant: key.secret.identifier, secret: key.secret, public: key.public };
  } catch (e) {
    ed25519_FROST.DKG.clean(secret);
    throw frostFailure(e, 'DkgFailed', 'round 3');
  }
}
