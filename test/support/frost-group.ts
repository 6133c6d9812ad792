import { sha512 } from '@noble/hashes/sha2.js';
import { consensusCommitMessage } from '../../src/core/authz/consensus-commit.ts';
import { groupPublicKey, participantIdFromNumber, type FrostKeyPackage, type RandomBytes } from '../../src/core/crypto/frost.ts';
import { dkgRound1, dkgRound2, dkgRound3 } from '../../src/core/crypto/frost-dkg.ts';
import { frostAggregate, frostCommit, frostSignShare } from '../../src/core/crypto/frost-sign.ts';
import { sign } from '../../src/core/crypto/ed25519.ts';
import { utf8 } from '../../src/core/encoding/bytes.ts';
import type { ConsensusCommit } from '../../src/core/facts/kinds/consensus.ts';
import type { Namespace } from '../../src/core/ids.ts';
import { deviceKey } from './fixtures.ts';

/** Deterministic byte stream: the core only ever sees randomness we hand it. */
export function seeded(label: string): RandomBytes {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 64) out.set(sha512(utf8.encode(`${label}/${counter++}`)).subarray(0, n - o), o);
    return out;
  };
}

/** A 2-of-3 witness set from a real DKG; `sign` runs both FROST rounds with two of them. */
export interface WitnessGroup {
  readonly groupKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Key packages of a real DKG among n participants with threshold t, deterministic from `seed`. */
export function frostKeys(seed: string, n = 3, t = 2): FrostKeyPackage[] {
  const ids = Array.from({ length: n }, (_, k) => participantIdFromNumber(k + 1));
  const signers = { min: t, max: n };
  const round1 = ids.map((id) => dkgRound1(id, signers, seeded(`${seed}/dkg/${id}`)));
  const othersOf = (i: number) => round1.filter((_, j) => j !== i).map((r) => r.package);
  const outgoing = round1.map((r, i) => dkgRound2(r.state, othersOf(i)));
  return round1.map((r, i) => dkgRound3(r.state, othersOf(i), outgoing.flatMap((out) => out.filter((m) => m.to === ids[i]).map((m) => m.package))));
}

export function witnessGroup(seed: string): WitnessGroup {
  const keys = frostKeys(seed);
  let session = 0;
  return {
    groupKey: groupPublicKey(keys[0]!.public),
    sign(message) {
      const chosen = keys.slice(0, 2);
      const round = chosen.map((k) => ({ k, ...frostCommit(k, seeded(`${seed}/sign/${session}/${k.participant}`)) }));
      session++;
      const commitments = round.map((r) => r.commitments);
      const shares = round.map((r) => frostSignShare(r.k, r.nonces, commitments, message));
      return frostAggregate(keys[0]!.public, commitments, message, shares);
    },
  };
}

/**
 * A stand-in witness set for tests that sign hundreds of commits: a FROST group signature is a plain
 * Ed25519 signature under the group key, so one key verifies the same way (and signs 20x faster).
 */
export function singleKeyGroup(label: string): WitnessGroup {
  const key = deviceKey(`witness-${label}`);
  return { groupKey: key.publicKey, sign: (message) => sign(message, key.secretKey) };
}

/** A consensus commit body signed by the group over the domain-separated commit message. */
export function signedCommit(group: WitnessGroup, ns: Namespace, body: Omit<ConsensusCommit, 'signature'>): ConsensusCommit {
  const unsigned = { ...body, signature: new Uint8Array(64) };
  return { ...body, signature: group.sign(consensusCommitMessage(ns, unsigned)) };
}
