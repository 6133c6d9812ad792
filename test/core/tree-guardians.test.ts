import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consensusCommitMessage } from '../../src/core/authz/consensus-commit.ts';
import { verify } from '../../src/core/crypto/ed25519.ts';
import { FrostError, groupPublicKey, type FrostKeyPackage } from '../../src/core/crypto/frost.ts';
import { frostAggregate, frostCommit, frostSignShare } from '../../src/core/crypto/frost-sign.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import type { TreeOpKind } from '../../src/core/facts/kinds/tree.ts';
import { authorityNamespace, type DeviceId, type Hash32 } from '../../src/core/ids.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { applyTreeOp } from '../../src/core/reduce/tree/apply-op.ts';
import { encodeDeviceProof, provenTree, provesDevice } from '../../src/core/reduce/tree/device-proof.ts';
import { recoveryDecision } from '../../src/core/reduce/tree/recovery.ts';
import { currentTree } from '../../src/core/reduce/tree/tree-reducer.ts';
import { buildTree } from '../../src/core/reduce/tree/commitment.ts';
import { activeDevices, deviceCount, leafIndexOf } from '../../src/core/reduce/tree/tree-state.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { frostKeys, seeded, witnessGroup } from '../support/frost-group.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const [d0, d1, fresh, g0, g1, g2] = ['gt0', 'gt1', 'gt-new', 'gt-g0', 'gt-g1', 'gt-g2'].map((l) => deviceKey(l));
const genesis = createGenesis(d0!, new Uint8Array(16), { wall: 1, logical: 0 });
const author = genesis.fact.author;
const ns = authorityNamespace(author);
const w0 = new Writer(d0!, author, ns);
const wNew = new Writer(fresh!, author, ns);
// Three guardian authorities, each with the one device that holds its share; unsorted on purpose.
const guardianIds = [g2, g0, g1].map((k) => ({ authority: createGenesis(k!, new Uint8Array(16), { wall: 1, logical: 0 }).fact.author, device: k!.deviceId }));
const keys = frostKeys('guardians', 3, 2);
const groupKey = toHex(groupPublicKey(keys[0]!.public));

const reduce = (facts: readonly ValidatedFact[]) => reduceAll(namespaceReducer, facts);
const head = (facts: readonly ValidatedFact[]) => currentTree(reduce(facts).tree)!;
const opOn = (w: Writer, facts: readonly ValidatedFact[], op: TreeOpKind) => {
  const h = head(facts);
  return w.fact('tree.op', { parentEpoch: h.epoch, parentCommitment: h.commitment, op });
};
const canon = (facts: readonly ValidatedFact[]) => toHex(encodeCanonical(namespaceReducer.canonical(reduce(facts))));

const add1 = opOn(w0, [genesis], { type: 'AddLeaf', device: d1!.deviceId, role: 'device' });
const setGuardians: TreeOpKind = { type: 'SetGuardians', threshold: 2, guardians: guardianIds, groupKey, delayMs: 3_600_000 };
const setG = opOn(w0, [genesis, add1], setGuardians);
const base = [genesis, add1, setG];

let session = 0;
/** Both FROST rounds among the chosen key packages over the recovery decision's commit message. */
function frostSign(ks: readonly FrostKeyPackage[], chosen: readonly number[], parent: Hash32, device: DeviceId) {
  const { ns: dns, ...decision } = recoveryDecision(author, parent, device);
  const signers = chosen.map((i) => ks[i]!.participant);
  const message = consensusCommitMessage(dns, { ...decision, signers, signature: new Uint8Array(64) });
  const round = chosen.map((i) => ({ k: ks[i]!, ...frostCommit(ks[i]!, seeded(`recover/${session}/${i}`)) }));
  session++;
  const commitments = round.map((r) => r.commitments);
  const shares = round.map((r) => frostSignShare(r.k, r.nonces, commitments, message));
  return { signers, message, commitments, shares, signature: frostAggregate(ks[0]!.public, commitments, message, shares) };
}
const recoverOp = (sig: { signers: string[]; signature: Uint8Array }, device = fresh!.deviceId): TreeOpKind => ({ type: 'Recover', device, signers: sig.signers, signature: sig.signature });
const good = frostSign(keys, [0, 2], head(base).commitment, fresh!.deviceId);
const recover = opOn(wNew, base, recoverOp(good));

describe('the guardian branch (SetGuardians)', () => {
  it('a device sets it: guardians sorted by authority, a new commitment, and no device count changes', () => {
    const before = reduce([genesis, add1]);
    const after = reduce(base);
    const h = currentTree(after.tree)!;
    expect(after.tree.applied).toEqual([add1.id, setG.id]);
    expect(h.guardians).toEqual({ threshold: 2, groupKey, delayMs: 3_600_000, guardians: [...guardianIds].sort((a, b) => (a.authority < b.authority ? -1 : 1)) });
    expect(h.guardians!.guardians.map((g) => g.authority)).not.toEqual(guardianIds.map((g) => g.authority));
    expect(h.commitment).not.toBe(currentTree(before.tree)!.commitment);
    expect(deviceCount(h)).toBe(2);
    expect(activeDevices(h)).toEqual([d0!.deviceId, d1!.deviceId].sort());
    expect([...after.tree.devices].sort()).toEqual([...before.tree.devices].sort());
    const proof = encodeDeviceProof(genesis, [add1, setG]);
    expect(provesDevice(proof, author, d1!.deviceId)).toBe(true);
    for (const g of guardianIds) expect(provesDevice(proof, author, g.device)).toBe(false);
  });

  it("a guardian's device is no device: every op it authors is refused NotADevice and never applies", () => {
    const h = head(base);
    const ops: TreeOpKind[] = [
      { type: 'AddLeaf', device: g1!.deviceId, role: 'device' },
      { type: 'RemoveLeaf', device: d1!.deviceId },
      { type: 'UpdatePolicy', threshold: 1 },
      { type: 'RotateEpoch' },
      setGuardians,
    ];
    const wg = new Writer(g0!, author, ns);
    // Even a state holding a guardian leaf (as trees before the guardian branch could) counts it as no device.
    const legacy = buildTree('p', 0, [{ device: d0!.deviceId, role: 'device' }, { device: g0!.deviceId, role: 'guardian' }]);
    expect([deviceCount(legacy), leafIndexOf(legacy, g0!.deviceId), activeDevices(legacy)]).toEqual([1, -1, [d0!.deviceId]]);
    expect(applyTreeOp(legacy, g0!.deviceId, { type: 'RotateEpoch' })).toBe('NotADevice');
    for (const op of ops) {
      expect(applyTreeOp(h, g0!.deviceId, op, author), op.type).toBe('NotADevice');
      const st = reduce([...base, opOn(wg, base, op)]);
      expect(st.tree.applied, op.type).toEqual([add1.id, setG.id]);
      expect(st.tree.devices.has(g0!.deviceId), op.type).toBe(false);
    }
  });

  it("an AddLeaf with role 'guardian' is refused GuardianLeaf; a threshold above the guardians is refused", () => {
    const h = head(base);
    expect(applyTreeOp(h, d0!.deviceId, { type: 'AddLeaf', device: g0!.deviceId, role: 'guardian' })).toBe('GuardianLeaf');
    expect(reduce([...base, opOn(w0, base, { type: 'AddLeaf', device: g0!.deviceId, role: 'guardian' })]).tree.applied).toHaveLength(2);
    const tooHigh: TreeOpKind = { ...setGuardians, threshold: 4 };
    expect(applyTreeOp(head([genesis, add1]), d0!.deviceId, tooHigh)).toBe('ThresholdTooHigh');
    expect(reduce([genesis, add1, opOn(w0, [genesis, add1], tooHigh)]).tree.applied).toEqual([add1.id]);
  });
});

describe('recovery (Recover, attested by 2 of 3 guardians)', () => {
  it('the new device, writing for the authority, replaces every device; the guardians stay', () => {
    expect(verify(good.signature, good.message, groupPublicKey(keys[0]!.public))).toBe(true);
    const before = head(base);
    const st = reduce([...base, recover]);
    const h = currentTree(st.tree)!;
    expect(st.tree.applied).toEqual([add1.id, setG.id, recover.id]);
    expect(h.leaves).toEqual([{ device: fresh!.deviceId, role: 'device' }]);
    expect(h).toMatchObject({ epoch: before.epoch + 1, threshold: 1, groupKey: null, guardians: before.guardians });
    const proven = provenTree(encodeDeviceProof(genesis, [add1, setG, recover]), author)!;
    expect([...proven.devices]).toEqual([fresh!.deviceId]);
    expect([...proven.removed].sort()).toEqual([d0!.deviceId, d1!.deviceId].sort());
    expect(proven.head!.commitment).toBe(h.commitment);
  });

  it('applies at a parent with t ≥ 2 without any device attestation', () => {
    const devices = witnessGroup('guardian-tree-devices');
    const policy = opOn(w0, base, { type: 'UpdatePolicy', threshold: 2, groupKey: toHex(devices.groupKey) });
    const t2 = [...base, policy];
    expect(head(t2).threshold).toBe(2);
    // An ordinary op there waits for an attestation; the recovery does not.
    const rotate = opOn(w0, t2, { type: 'RotateEpoch' });
    expect(reduce([...t2, rotate]).tree.applied).not.toContain(rotate.id);
    const sig = frostSign(keys, [1, 2], head(t2).commitment, fresh!.deviceId);
    const rec = opOn(wNew, t2, recoverOp(sig));
    const h = head([...t2, rec]);
    expect(h.leaves).toEqual([{ device: fresh!.deviceId, role: 'device' }]);
    expect(h).toMatchObject({ threshold: 1, groupKey: null });
  });

  it('fewer than t shares make no signature: aggregation refuses, and one share dressed as an aggregate does not verify', () => {
    const h = head(base);
    expect(() => frostSign(keys, [1], h.commitment, fresh!.deviceId)).toThrow(FrostError);
    // A two-signer session aggregated from only one share: R of the session, z of one signer.
    const two = frostSign(keys, [0, 1], h.commitment, fresh!.deviceId);
    const L = ed25519.Point.Fn.ORDER;
    const le = (b: Uint8Array) => BigInt(`0x${toHex(b.slice().reverse())}`);
    expect((le(two.shares[0]!.share) + le(two.shares[1]!.share)) % L).toBe(le(two.signature.subarray(32)));
    for (const one of two.shares) {
      const partial = new Uint8Array(64);
      partial.set(two.signature.subarray(0, 32));
      partial.set(one.share, 32);
      expect(verify(partial, two.message, groupPublicKey(keys[0]!.public))).toBe(false);
      const op = recoverOp({ signers: [one.participant], signature: partial });
      expect(applyTreeOp(h, fresh!.deviceId, op, author)).toBe('BadRecoverySignature');
      expect(head([...base, opOn(wNew, base, op)]).commitment).toBe(h.commitment);
    }
  });

  it('a signature over another parent, for another device or under another group key is refused', () => {
    const h = head(base);
    const other = frostKeys('other-guardians', 3, 2);
    const bad = [
      frostSign(keys, [0, 1], head([genesis, add1]).commitment, fresh!.deviceId),
      frostSign(keys, [0, 1], h.commitment, d1!.deviceId),
      frostSign(other, [0, 1], h.commitment, fresh!.deviceId),
    ];
    for (const sig of bad) {
      expect(applyTreeOp(h, fresh!.deviceId, recoverOp(sig), author)).toBe('BadRecoverySignature');
      const st = reduce([...base, opOn(wNew, base, recoverOp(sig))]);
      expect(st.tree.applied).toEqual([add1.id, setG.id]);
    }
    // Without the authority the signature cannot be checked, so the op is refused.
    expect(applyTreeOp(h, fresh!.deviceId, recoverOp(good))).toBe('BadRecoverySignature');
    expect(applyTreeOp(h, fresh!.deviceId, recoverOp(good), author)).not.toBeTypeOf('string');
  });

  it('a Recover authored by another device than the one it admits is refused, even with a good signature', () => {
    const h = head(base);
    expect(applyTreeOp(h, d0!.deviceId, recoverOp(good), author)).toBe('NotADevice');
    const byOld = opOn(w0, base, recoverOp(good));
    const byStranger = opOn(new Writer(g0!, author, ns), base, recoverOp(good));
    expect(reduce([...base, byOld, byStranger]).tree.applied).toEqual([add1.id, setG.id]);
  });

  it('a Recover on a tree without guardians is refused NoGuardians', () => {
    const h = head([genesis, add1]);
    const sig = frostSign(keys, [0, 1], h.commitment, fresh!.deviceId);
    expect(applyTreeOp(h, fresh!.deviceId, recoverOp(sig), author)).toBe('NoGuardians');
    expect(reduce([genesis, add1, opOn(wNew, [genesis, add1], recoverOp(sig))]).tree.applied).toEqual([add1.id]);
  });

  it('order-independent: any arrival order, with duplicates, of genesis, ops, the recovery and a competing op', () => {
    const competing = opOn(w0, base, { type: 'RotateEpoch' });
    const afterCompeting = opOn(w0, [...base, competing], { type: 'AddLeaf', device: g2!.deviceId, role: 'device' });
    const afterRecover = opOn(wNew, [...base, recover], { type: 'AddLeaf', device: d1!.deviceId, role: 'device' });
    const facts = [...base, recover, competing, afterCompeting, afterRecover];
    const ref = canon(facts);
    // The competition is real: which of the two wins depends on the op hashes, never on arrival.
    const winners = new Set([recover.id, competing.id]);
    expect(reduce(facts).tree.applied.filter((id) => winners.has(id))).toHaveLength(1);
    fc.assert(
      fc.property(randArb, fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 6 }), (rand, dups) => {
        const order = shuffle([...facts, ...dups.map((i) => facts[i]!)], rand);
        expect(canon(order)).toBe(ref);
      }),
      { numRuns: 200 },
    );
  });
});
