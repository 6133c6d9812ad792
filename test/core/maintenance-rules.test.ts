import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maintenanceConsensusId } from '../../src/core/authz/maintenance-rules.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { activeProtocolVersion, isAdminRetired } from '../../src/core/reduce/maintenance.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { currentTree } from '../../src/core/reduce/tree/tree-reducer.ts';
import { authorize } from '../../src/core/authz/authorize.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { signedCommit, singleKeyGroup, witnessGroup } from '../support/frost-group.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const [d0, d1, outsider] = ['mr0', 'mr1', 'mr-out'].map((l) => deviceKey(l));
const genesis = createGenesis(d0!, new Uint8Array(16), { wall: 1, logical: 0 });
const ns = authorityNamespace(genesis.fact.author);
const w0 = new Writer(d0!, genesis.fact.author, ns);
const w1 = new Writer(d1!, genesis.fact.author, ns);
const reduce = (facts: readonly ValidatedFact[]) => reduceAll(namespaceReducer, facts);
const head = (facts: readonly ValidatedFact[]) => currentTree(reduce(facts).tree)!;
const opOn = (w: Writer, facts: readonly ValidatedFact[], op: ValidatedFact<'tree.op'>['fact']['body']['op']) => {
  const h = head(facts);
  return w.fact('tree.op', { parentEpoch: h.epoch, parentCommitment: h.commitment, op });
};
const group = witnessGroup('maintenance-rules');
const add1 = opOn(w0, [genesis], { type: 'AddLeaf', device: d1!.deviceId, role: 'device' });
const t1 = [genesis, add1];
const policy = opOn(w0, t1, { type: 'UpdatePolicy', threshold: 2, groupKey: toHex(group.groupKey) });
const t2 = [...t1, policy];
const v = (major: number, minor: number) => ({ major, minor, patch: 0 });
const upgrade = (w: Writer, facts: readonly ValidatedFact[], fence: number, to = v(1, 1), packageId = 'pkg') =>
  w.fact('maint.upgradeActivated', { packageId, toVersion: to, activationFence: fence, prestate: head(facts).commitment });
const commitFor = (f: ValidatedFact, prestate: string, g = group, id = maintenanceConsensusId(f.id)) =>
  w0.fact('consensus.commit', signedCommit(g, ns, { consensusId: id, prestateHash: prestate, covers: [f.id], signers: ['a', 'b'] }));
const verdict = (facts: readonly ValidatedFact[], f: ValidatedFact) => authorize(f, reduce(facts));

describe('an upgrade activation is the authority’s decision', () => {
  it('at t = 1 a device of the state it names decides alone; the version becomes active at its fence', () => {
    const up = upgrade(w1, t1, 2);
    expect(verdict(t1, up)).toEqual({ ok: true });
    const st = reduce([...t1, up]);
    expect(activeProtocolVersion(st.maintenance, 1)).toBeNull();
    expect(activeProtocolVersion(st.maintenance, 2)).toEqual(v(1, 1));
  });

  it('a device not in the state it names is refused, whatever else arrives', () => {
    // d1 signs naming the genesis state, where only d0 is a device.
    const early = upgrade(w1, [genesis], 0);
    expect(verdict(t1, early)).toEqual({ ok: false, refuse: 'NotADeviceOfState' });
    expect(reduce([...t1, early, policy]).authz.refused.get(early.id)).toBe('NotADeviceOfState');
  });

  it('a non-device of the authority waits as a writer and never counts', () => {
    const stranger = new Writer(outsider!, genesis.fact.author, ns).fact('maint.upgradeActivated', { packageId: 'x', toVersion: v(9, 0), activationFence: 0, prestate: head(t1).commitment });
    expect(verdict(t1, stranger)).toEqual({ ok: false, wait: waitKey.device(outsider!.deviceId) });
    expect(activeProtocolVersion(reduce([...t1, stranger]).maintenance, 5)).toBeNull();
  });

  it('names an unknown state: waits for it', () => {
    const up = upgrade(w1, t2, 0);
    expect(verdict(t1, up)).toEqual({ ok: false, wait: waitKey.treeState(head(t2).commitment) });
  });

  it('at t ≥ 2 it waits for the devices’ FROST commit over that state covering it; nothing else attests it', () => {
    const up = upgrade(w1, t2, 0);
    const id = maintenanceConsensusId(up.id);
    expect(verdict(t2, up)).toEqual({ ok: false, wait: waitKey.consensus(id) });
    const forged = commitFor(up, head(t2).commitment, singleKeyGroup('mr-forger'));
    const otherState = commitFor(up, head(t1).commitment);
    const otherId = commitFor(up, head(t2).commitment, group, 'tree:something');
    for (const bad of [forged, otherState, otherId]) expect(activeProtocolVersion(reduce([...t2, up, bad]).maintenance, 9)).toBeNull();
    expect(reduce([...t2, up, forged]).authz.refused.get(forged.id)).toBe('BadThresholdSignature');
    const st = reduce([...t2, up, commitFor(up, head(t2).commitment)]);
    expect(activeProtocolVersion(st.maintenance, 0)).toEqual(v(1, 1));
  });

  it('order-independent (fast-check): activations, commits and tree ops in any order reduce to the same bytes', () => {
    const up = upgrade(w1, t2, 0);
    const facts = [...t2, up, commitFor(up, head(t2).commitment), upgrade(w0, t1, 3, v(2, 0), 'other'), upgrade(w1, [genesis], 0, v(7, 0), 'bad'), commitFor(up, head(t2).commitment, singleKeyGroup('x'))];
    const ref = toHex(encodeCanonical(namespaceReducer.canonical(reduce(facts))));
    fc.assert(
      fc.property(randArb, (rand) => {
        const st = reduce(shuffle(facts, rand));
        expect(toHex(encodeCanonical(namespaceReducer.canonical(st)))).toBe(ref);
        expect(activeProtocolVersion(st.maintenance, 2)).toEqual(v(1, 1));
        expect(activeProtocolVersion(st.maintenance, 3)).toEqual(v(2, 0));
      }),
      { numRuns: 100 },
    );
  });
});

describe('admin replacement in an authority journal', () => {
  const replace = (w: Writer, facts: readonly ValidatedFact[], oldAdmin: string, epoch = 1) =>
    w.fact('maint.adminReplacement', { oldAdmin, newAdmin: w.key.deviceId, activationEpoch: epoch, prestate: head(facts).commitment });

  it('at t = 1 one device cannot retire another', () => {
    expect(verdict(t1, replace(w1, t1, d0!.deviceId))).toEqual({ ok: false, refuse: 'NotCurrentAdmin' });
  });

  it('at t ≥ 2 the threshold retires any device: it waits for the commit, then the retirement holds from its epoch', () => {
    const r = replace(w1, t2, d0!.deviceId, 3);
    expect(verdict(t2, r)).toEqual({ ok: false, wait: waitKey.consensus(maintenanceConsensusId(r.id)) });
    const facts = [...t2, r, commitFor(r, head(t2).commitment)];
    fc.assert(
      fc.property(randArb, (rand) => {
        const st = reduce(shuffle(facts, rand)).maintenance;
        expect([isAdminRetired(st, d0!.deviceId, 2), isAdminRetired(st, d0!.deviceId, 3)]).toEqual([false, true]);
      }),
      { numRuns: 40 },
    );
  });

  it('a commit under a key that is not the devices’ retires nobody', () => {
    const r = replace(w1, t2, d0!.deviceId, 0);
    expect(isAdminRetired(reduce([...t2, r, commitFor(r, head(t2).commitment, singleKeyGroup('y'))]).maintenance, d0!.deviceId, 9)).toBe(false);
  });
});
