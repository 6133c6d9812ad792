import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/core/encoding/bytes.ts';
import {
  FrostError,
  groupPublicKey,
  participantIdFromNumber,
  participantIdFromString,
  type FrostErrorCode,
  type FrostKeyPackage,
  type FrostSigners,
  type ParticipantId,
} from '../../src/core/crypto/frost.ts';
import { dkgRound1, dkgRound2, dkgRound3, type DkgRound2Package } from '../../src/core/crypto/frost-dkg.ts';
import {
  frostAggregate,
  frostCommit,
  frostSignShare,
  frostVerify,
  frostVerifyShare,
  type SignatureShare,
  type SigningCommitments,
} from '../../src/core/crypto/frost-sign.ts';
import { deviceKey } from '../support/fixtures.ts';
import { seeded } from '../support/frost-group.ts';

function frostError(fn: () => unknown): FrostError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FrostError);
    return e as FrostError;
  }
  throw new Error('expected a FrostError, nothing was thrown');
}

function expectFrostError(fn: () => unknown, code: FrostErrorCode, participants?: readonly ParticipantId[]): void {
  const e = frostError(fn);
  expect(e.code).toBe(code);
  if (participants) expect(e.participants).toEqual([...participants].sort());
}

/** Runs the three DKG rounds for everyone, delivering every package honestly. */
function runDkg(
  ids: readonly ParticipantId[],
  signers: FrostSigners,
  seed: string,
): Map<ParticipantId, FrostKeyPackage> {
  const round1 = ids.map((id) => dkgRound1(id, signers, seeded(`${seed}/dkg/${id}`)));
  const othersOf = (i: number) => round1.filter((_, j) => j !== i).map((r) => r.package);
  const outgoing = round1.map((r, i) => dkgRound2(r.state, othersOf(i)));
  const keys = new Map<ParticipantId, FrostKeyPackage>();
  round1.forEach((r, i) => {
    const inbox = outgoing.flatMap((out) => out.filter((m) => m.to === ids[i]).map((m) => m.package));
    keys.set(ids[i]!, dkgRound3(r.state, othersOf(i), inbox));
  });
  return keys;
}

function keyOf(keys: Map<ParticipantId, FrostKeyPackage>, id: ParticipantId): FrostKeyPackage {
  const key = keys.get(id);
  if (!key) throw new Error(`no key for ${id}`);
  return key;
}

interface Session {
  readonly commitments: SigningCommitments[];
  readonly shares: SignatureShare[];
}

/** Signing round 1 for the given signers: each keeps its key and nonce handle next to its commitments. */
function commitAll(keys: Map<ParticipantId, FrostKeyPackage>, signerIds: readonly ParticipantId[], seed: string) {
  return signerIds.map((id) => {
    const key = keyOf(keys, id);
    return { key, ...frostCommit(key, seeded(`${seed}/${id}`)) };
  });
}

/** Both signing rounds for the given signers, honestly. */
function signingSession(
  keys: Map<ParticipantId, FrostKeyPackage>,
  signerIds: readonly ParticipantId[],
  message: Uint8Array,
  seed: string,
): Session {
  const round1 = commitAll(keys, signerIds, seed);
  const commitments = round1.map((r) => r.commitments);
  const shares = round1.map((r) => frostSignShare(r.key, r.nonces, commitments, message));
  return { commitments, shares };
}

const numbered = (...ns: number[]) => ns.map(participantIdFromNumber);
const subsets = <T>(xs: readonly T[], k: number): T[][] =>
  k === 0 ? [[]] : xs.flatMap((x, i) => subsets(xs.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
const msg = (s: string) => utf8.encode(s);

const devices = [1, 2, 3].map((i) => participantIdFromString(deviceKey(i).deviceId));
const keys2of3 = runDkg(devices, { min: 2, max: 3 }, 'two-of-three');
const five = numbered(1, 2, 3, 4, 5);
const keys3of5 = runDkg(five, { min: 3, max: 5 }, 'three-of-five');
const pub3of5 = keyOf(keys3of5, five[0]!).public;

describe('participant ids', () => {
  it('derives stable, distinct canonical ids from labels and numbers', () => {
    expect(participantIdFromString(deviceKey(1).deviceId)).toBe(devices[0]);
    expect(new Set(devices).size).toBe(3);
    for (const id of [...devices, ...five]) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(five).size).toBe(5);
    expect(participantIdFromString('1')).not.toBe(participantIdFromNumber(1));
  });

  it('rejects labels and numbers that are not identifiers', () => {
    expectFrostError(() => participantIdFromString(''), 'InvalidParticipant');
    for (const n of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expectFrostError(() => participantIdFromNumber(n), 'InvalidParticipant');
    }
  });
});

describe('DKG', () => {
  it('gives every participant the same public package and a share matching its verifying share', () => {
    for (const [ids, keys, signers] of [
      [devices, keys2of3, { min: 2, max: 3 }],
      [five, keys3of5, { min: 3, max: 5 }],
    ] as const) {
      const reference = keyOf(keys, ids[0]!).public;
      expect(reference.signers).toEqual(signers);
      expect(reference.commitments).toHaveLength(signers.min);
      expect(Object.keys(reference.verifyingShares).sort()).toEqual([...ids].sort());
      for (const id of ids) {
        const key = keyOf(keys, id);
        expect(key.participant).toBe(id);
        expect(key.secret.identifier).toBe(id);
        expect(key.public).toEqual(reference);
        const share = bytesToNumberLE(key.secret.signingShare);
        expect(toHex(ed25519.Point.BASE.multiply(share).toBytes())).toBe(toHex(reference.verifyingShares[id]!));
      }
      expect(new Set(ids.map((id) => toHex(keyOf(keys, id).secret.signingShare))).size).toBe(ids.length);
      expect(groupPublicKey(reference)).toHaveLength(32);
    }
  });

  it('draws randomness only from the caller: same seed, same keys; other seed, other keys', () => {
    const again = runDkg(devices, { min: 2, max: 3 }, 'two-of-three');
    const other = runDkg(devices, { min: 2, max: 3 }, 'another seed');
    for (const id of devices) expect(keyOf(again, id)).toEqual(keyOf(keys2of3, id));
    expect(toHex(groupPublicKey(keyOf(other, devices[0]!).public))).not.toBe(
      toHex(groupPublicKey(keyOf(keys2of3, devices[0]!).public)),
    );
  });

  it('sends one round-2 package to each other participant, sorted by recipient', () => {
    const round1 = five.map((id) => dkgRound1(id, { min: 3, max: 5 }, seeded(`r2/${id}`)));
    const out = dkgRound2(round1[0]!.state, round1.slice(1).map((r) => r.package));
    expect(out.map((m) => m.to)).toEqual(five.slice(1).sort());
    for (const m of out) expect(m.package.identifier).toBe(five[0]);
  });

  it('rejects thresholds noble FROST cannot run', () => {
    for (const signers of [
      { min: 1, max: 3 },
      { min: 4, max: 3 },
      { min: 2.5, max: 3 },
    ]) {
      expectFrostError(() => dkgRound1(five[0]!, signers, seeded('t')), 'InvalidThreshold');
    }
  });

  it('fails with DkgFailed on a forged proof of knowledge', () => {
    const round1 = devices.map((id) => dkgRound1(id, { min: 2, max: 3 }, seeded(`pok/${id}`)));
    const forged = { ...round1[1]!.package, proofOfKnowledge: round1[2]!.package.proofOfKnowledge };
    expectFrostError(() => dkgRound2(round1[0]!.state, [forged, round1[2]!.package]), 'DkgFailed');
  });

  it('fails with DkgFailed when a round-1 package is missing', () => {
    const round1 = five.map((id) => dkgRound1(id, { min: 3, max: 5 }, seeded(`missing/${id}`)));
    expectFrostError(() => dkgRound2(round1[0]!.state, round1.slice(1, 4).map((r) => r.package)), 'DkgFailed');
  });

  it('fails with DkgFailed on a tampered round-2 share, and the state is spent', () => {
    const round1 = devices.map((id) => dkgRound1(id, { min: 2, max: 3 }, seeded(`tamper/${id}`)));
    const othersOf = (i: number) => round1.filter((_, j) => j !== i).map((r) => r.package);
    const outgoing = round1.map((r, i) => dkgRound2(r.state, othersOf(i)));
    const inboxOf = (id: ParticipantId): DkgRound2Package[] =>
      outgoing.flatMap((o) => o.filter((m) => m.to === id).map((m) => m.package));
    const inbox = inboxOf(devices[0]!);
    const bad = inbox[0]!.signingShare.slice();
    bad[0] = bad[0]! ^ 1;
    const tampered = [{ ...inbox[0]!, signingShare: bad }, inbox[1]!];
    expectFrostError(() => dkgRound3(round1[0]!.state, othersOf(0), tampered), 'DkgFailed');
    expectFrostError(() => dkgRound3(round1[0]!.state, othersOf(0), inbox), 'DkgFailed');
    // The honest recipients still finish.
    expect(dkgRound3(round1[1]!.state, othersOf(1), inboxOf(devices[1]!)).participant).toBe(devices[1]);
  });

  it('fails with InvalidRandomness on a broken random source', () => {
    expectFrostError(() => dkgRound1(five[0]!, { min: 3, max: 5 }, () => new Uint8Array(3)), 'InvalidRandomness');
  });
});

describe('signing', () => {
  it('2-of-3: every pair yields a signature that verifies as plain Ed25519 under the group key', () => {
    const pub = keyOf(keys2of3, devices[0]!).public;
    const gpk = groupPublicKey(pub);
    const message = msg('commit consensus 42');
    for (const pair of [...subsets(devices, 2), devices]) {
      const { commitments, shares } = signingSession(keys2of3, pair, message, `pair/${pair.join()}`);
      for (const s of shares) expect(frostVerifyShare(pub, commitments, message, s)).toBe(true);
      const signature = frostAggregate(pub, commitments, message, shares);
      expect(signature).toHaveLength(64);
      expect(frostVerify(signature, message, gpk)).toBe(true);
      expect(ed25519.verify(signature, message, gpk)).toBe(true);
      expect(ed25519.verify(signature, msg('commit consensus 43'), gpk)).toBe(false);
      expect(frostVerify(signature, msg('commit consensus 43'), gpk)).toBe(false);
      expect(ed25519.verify(signature, message, groupPublicKey(pub3of5))).toBe(false);
    }
  });

  it('3-of-5: signer sets {1,2,3} and {2,4,5} both sign for the same group key', () => {
    const gpk = groupPublicKey(pub3of5);
    const message = msg('snapshot 7');
    const sigs = [numbered(1, 2, 3), numbered(2, 4, 5)].map((set) => {
      const { commitments, shares } = signingSession(keys3of5, set, message, `set/${set.join()}`);
      return frostAggregate(pub3of5, commitments, message, shares);
    });
    for (const sig of sigs) {
      expect(ed25519.verify(sig, message, gpk)).toBe(true);
      expect(frostVerify(sig, message, gpk)).toBe(true);
      expect(ed25519.verify(sig, msg('snapshot 8'), gpk)).toBe(false);
    }
    expect(toHex(sigs[0]!)).not.toBe(toHex(sigs[1]!));
  });

  it('3-of-5: every 3-subset and larger sets produce valid signatures', () => {
    const gpk = groupPublicKey(pub3of5);
    const message = msg('every subset');
    for (const set of [...subsets(five, 3), ...subsets(five, 4), five]) {
      const { commitments, shares } = signingSession(keys3of5, set, message, `all/${set.join()}`);
      expect(ed25519.verify(frostAggregate(pub3of5, commitments, message, shares), message, gpk)).toBe(true);
    }
  });
});

describe('share verification', () => {
  const message = msg('transfer ownership');
  const signers = numbered(1, 3, 5);

  it('rejects a share with a flipped bit as InvalidShare naming its signer', () => {
    const { commitments, shares } = signingSession(keys3of5, signers, message, 'flip');
    const bad = shares[1]!.share.slice();
    bad[0] = bad[0]! ^ 1;
    const tampered = { participant: shares[1]!.participant, share: bad };
    expect(frostVerifyShare(pub3of5, commitments, message, tampered)).toBe(false);
    const withTampered = [shares[0]!, tampered, shares[2]!];
    expectFrostError(() => frostAggregate(pub3of5, commitments, message, withTampered), 'InvalidShare', [signers[1]!]);
    const honest = frostAggregate(pub3of5, commitments, message, shares);
    expect(ed25519.verify(honest, message, groupPublicKey(pub3of5))).toBe(true);
  });

  it('rejects a non-canonical share as InvalidShare naming its signer', () => {
    const { commitments, shares } = signingSession(keys3of5, signers, message, 'noncanonical');
    const bad = shares[2]!.share.slice();
    bad[31] = 0xff;
    const withBad = [shares[0]!, shares[1]!, { participant: signers[2]!, share: bad }];
    expectFrostError(() => frostAggregate(pub3of5, commitments, message, withBad), 'InvalidShare', [signers[2]!]);
  });

  it('rejects a share made for another message', () => {
    const round1 = commitAll(keys3of5, signers, 'other');
    const commitments = round1.map((r) => r.commitments);
    const shares = round1.map((r, i) =>
      frostSignShare(r.key, r.nonces, commitments, i === 0 ? msg('something else') : message),
    );
    expectFrostError(() => frostAggregate(pub3of5, commitments, message, shares), 'InvalidShare', [signers[0]!]);
  });

  it('rejects a share from an earlier session (other commitments)', () => {
    const first = signingSession(keys3of5, signers, message, 'first');
    const second = signingSession(keys3of5, signers, message, 'second');
    const mixed = [second.shares[0]!, first.shares[1]!, second.shares[2]!];
    expectFrostError(() => frostAggregate(pub3of5, second.commitments, message, mixed), 'InvalidShare', [signers[1]!]);
  });

  it('swapped shares fail per-share checks, though their sum is still the valid signature', () => {
    // aggregate checks the sum and attributes only when it fails; a coordinator wanting per-signer
    // evidence checks each share with frostVerifyShare.
    const { commitments, shares } = signingSession(keys3of5, signers, message, 'swap');
    const swapped = [
      { participant: signers[0]!, share: shares[1]!.share },
      { participant: signers[1]!, share: shares[0]!.share },
      shares[2]!,
    ];
    expect(swapped.map((s) => frostVerifyShare(pub3of5, commitments, message, s))).toEqual([false, false, true]);
    const signature = frostAggregate(pub3of5, commitments, message, swapped);
    expect(ed25519.verify(signature, message, groupPublicKey(pub3of5))).toBe(true);
  });

  it('rejects a share from someone outside the commitment list, or a duplicate', () => {
    const { commitments, shares } = signingSession(keys3of5, signers, message, 'outsider');
    const outsider = { participant: five[1]!, share: shares[0]!.share };
    for (const extra of [outsider, shares[0]!]) {
      const withExtra = [...shares, extra];
      expectFrostError(() => frostAggregate(pub3of5, commitments, message, withExtra), 'InvalidSigningPackage');
    }
  });
});

describe('fewer than t signers', () => {
  const message = msg('remove device');
  const two = numbered(2, 4);

  it('cannot start round 2 with fewer than t commitments: NotEnoughShares', () => {
    const round1 = commitAll(keys3of5, two, 'few');
    const commitments = round1.map((r) => r.commitments);
    expectFrostError(() => frostSignShare(round1[0]!.key, round1[0]!.nonces, commitments, message), 'NotEnoughShares');
  });

  it('cannot aggregate t-1 shares, with their own list or with a signer who never answered', () => {
    const { commitments, shares } = signingSession(keys3of5, numbered(2, 4, 5), message, 'partial');
    const [firstTwo, firstTwoShares] = [commitments.slice(0, 2), shares.slice(0, 2)];
    expectFrostError(() => frostAggregate(pub3of5, firstTwo, message, firstTwoShares), 'NotEnoughShares');
    const missingFifth = () => frostAggregate(pub3of5, commitments, message, firstTwoShares);
    expectFrostError(missingFifth, 'NotEnoughShares', [five[4]!]);
  });

  it('cannot pass off t-1 honest shares plus a made-up one: InvalidShare names the forged slot', () => {
    const { commitments, shares } = signingSession(keys3of5, numbered(2, 4, 5), message, 'forged');
    const forgedShare = new Uint8Array(32);
    forgedShare[0] = 7;
    for (const share of [forgedShare, shares[0]!.share]) {
      const padded = [shares[0]!, shares[1]!, { participant: five[4]!, share }];
      expectFrostError(() => frostAggregate(pub3of5, commitments, message, padded), 'InvalidShare', [five[4]!]);
    }
  });
});

describe('nonces', () => {
  const message = msg('rotate guardians');
  const signers = numbered(1, 2, 4);

  const round1 = (seed: string) => commitAll(keys3of5, signers, seed);

  it('signing twice with the same nonces throws NonceReused, even for another message', () => {
    const r = round1('reuse');
    const commitments = r.map((x) => x.commitments);
    const first = frostSignShare(r[0]!.key, r[0]!.nonces, commitments, message);
    expect(frostVerifyShare(pub3of5, commitments, message, first)).toBe(true);
    expectFrostError(() => frostSignShare(r[0]!.key, r[0]!.nonces, commitments, message), 'NonceReused', [signers[0]!]);
    expectFrostError(() => frostSignShare(r[0]!.key, r[0]!.nonces, commitments, msg('other')), 'NonceReused');
  });

  it('a failed signing attempt also spends the nonces', () => {
    const r = round1('failed');
    const commitments = r.map((x) => x.commitments);
    const tooFew = commitments.slice(0, 2);
    expectFrostError(() => frostSignShare(r[0]!.key, r[0]!.nonces, tooFew, message), 'NotEnoughShares');
    expectFrostError(() => frostSignShare(r[0]!.key, r[0]!.nonces, commitments, message), 'NonceReused');
  });

  it('refuses a commitment list that swaps in a commitment other than ours', () => {
    const r = round1('swap-commitment');
    const stale = round1('stale');
    const commitments = [stale[0]!.commitments, r[1]!.commitments, r[2]!.commitments];
    expectFrostError(() => frostSignShare(r[0]!.key, r[0]!.nonces, commitments, message), 'InvalidSigningPackage');
    const fifth = frostCommit(keyOf(keys3of5, five[4]!), seeded('fifth')).commitments;
    const withoutUs = [r[0]!.commitments, r[2]!.commitments, fifth];
    expectFrostError(() => frostSignShare(r[1]!.key, r[1]!.nonces, withoutUs, message), 'InvalidSigningPackage');
  });

  it('the handle carries no secret: serialized or cloned it cannot sign, nor with another key', () => {
    const r = round1('handle');
    const commitments = r.map((x) => x.commitments);
    expect(JSON.parse(JSON.stringify(r[0]!.nonces))).toEqual({ participant: signers[0] });
    const clone = structuredClone(r[0]!.nonces);
    expectFrostError(() => frostSignShare(r[0]!.key, clone, commitments, message), 'InvalidSigningPackage');
    expectFrostError(() => frostSignShare(r[1]!.key, r[0]!.nonces, commitments, message), 'InvalidSigningPackage');
    // None of those attempts spent the real handle.
    const share = frostSignShare(r[0]!.key, r[0]!.nonces, commitments, message);
    expect(frostVerifyShare(pub3of5, commitments, message, share)).toBe(true);
  });

  it('commitments are a function of the supplied randomness', () => {
    const key = keyOf(keys3of5, five[0]!);
    const a = frostCommit(key, seeded('nonce-seed')).commitments;
    const b = frostCommit(key, seeded('nonce-seed')).commitments;
    const c = frostCommit(key, seeded('other-seed')).commitments;
    expect(a).toEqual(b);
    expect(toHex(a.hiding)).not.toBe(toHex(c.hiding));
    expectFrostError(() => frostCommit(key, () => new Uint8Array(0)), 'InvalidRandomness');
  });
});
