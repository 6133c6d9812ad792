import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authz/authorize.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import { createFact } from '../../src/core/facts/create.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { authorityIdOf } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { activeDevices } from '../../src/core/reduce/tree/tree-state.ts';
import { currentTree } from '../../src/core/reduce/tree/tree-reducer.ts';
import { authority, reduce, verdictIn } from '../support/authz-world.ts';
import type { Writer } from '../support/fixtures.ts';
import { deviceKey } from '../support/fixtures.ts';

const ok = { ok: true };

/** One fact of every kind an authority journal holds whose rule starts with "signed by a device of the tree". */
function everyDeviceKind(w: Writer, prestate: string): ValidatedFact[] {
  return [
    w.fact('maint.cacheInvalidated', { keys: ['k'], epochFloor: 1 }),
    w.fact('maint.upgradeActivated', { packageId: 'p', toVersion: { major: 2, minor: 0, patch: 0 }, activationFence: 3, prestate }),
    w.fact('maint.adminReplacement', { oldAdmin: w.key.deviceId, newAdmin: 'x', activationEpoch: 1, prestate }),
    w.fact('proposal.create', { subject: 's', operation: 'op', args: [], rule: { type: 'Any' }, voters: [w.author], expiresAt: 9e12 }),
    w.fact('ceremony.start', { ceremonyKind: 'k', participants: [w.author], threshold: 1, prestateHash: '0'.repeat(64) }),
  ];
}

describe('who may write in an authority journal', () => {
  it('a genesis proves itself only if its body names the device that signed it', () => {
    const a = authority('genesis');
    expect(authorize(a.genesis, undefined)).toEqual(ok);
    const body = { device: a.keys[1]!.deviceId, nonce: new Uint8Array(16) };
    const author = authorityIdOf(body);
    const foreign = createFact(a.keys[0]!, { ns: authorityNamespace(author), kind: 'authority.genesis', author, time: { wall: 1, logical: 0 }, body });
    expect(authorize(foreign, undefined)).toEqual({ ok: false, refuse: 'GenesisDeviceMismatch' });
    expect(reduce([foreign]).tree.genesis).toBeNull();
  });

  it('every other kind waits until its device is a device of the tree, then counts', () => {
    const a = authority('devices');
    const add = a.add([a.genesis], 0, 1);
    const head = currentTree(reduce([a.genesis, add]).tree)!.commitment;
    for (const f of everyDeviceKind(a.writers[1]!, head)) {
      expect(verdictIn([a.genesis], f), f.fact.kind).toEqual({ ok: false, wait: waitKey.device(a.keys[1]!.deviceId) });
      expect(verdictIn([a.genesis, add], f), f.fact.kind).toEqual(ok);
    }
    const genesisState = currentTree(reduce([a.genesis]).tree)!.commitment;
    for (const f of everyDeviceKind(a.writers[0]!, genesisState)) expect(verdictIn([a.genesis], f), f.fact.kind).toEqual(ok);
  });

  it('guardian leaves are never devices', () => {
    const a = authority('guardian');
    const asGuardian = a.add([a.genesis], 0, 1, 'guardian');
    const f = a.writers[1]!.fact('maint.cacheInvalidated', { keys: ['k'], epochFloor: 1 });
    expect(verdictIn([a.genesis, asGuardian], f)).toEqual({ ok: false, wait: waitKey.device(a.keys[1]!.deviceId) });
  });

  it('devices are judged by reachability, not by the current chain: a winning late op takes nothing away', () => {
    const a = authority('race');
    const addB = a.add([a.genesis], 0, 1);
    const onChain = (facts: ValidatedFact[]) => activeDevices(currentTree(reduce(facts).tree)!).includes(a.keys[1]!.deviceId);
    const rivals = [a.op([a.genesis], 0, { type: 'RotateEpoch' }), a.op([a.genesis], 0, { type: 'UpdatePolicy', threshold: 1 }), a.add([a.genesis], 0, 2)];
    // A rival on the same parent that wins the max-hash race: B's leaf is then off the current chain.
    const rival = rivals.find((r) => !onChain([a.genesis, addB, r]))!;
    const byB = a.writers[1]!.fact('maint.cacheInvalidated', { keys: ['k'], epochFloor: 1 });
    expect(verdictIn([a.genesis, addB, rival], byB)).toEqual(ok);
    for (const order of [[a.genesis, addB, byB, rival], [a.genesis, rival, byB, addB]]) {
      const st = namespaceReducer.init();
      for (const f of order) namespaceReducer.apply(st, f);
      expect(st.authz.held.size).toBe(0);
      expect(st.maintenance.cacheFloors.get('k')).toBe(1);
    }
  });

  it('an op waiting for its parent state makes its device a device once the parent arrives', () => {
    const a = authority('cascade');
    const addB = a.add([a.genesis], 0, 1);
    const addC = a.add([a.genesis, addB], 1, 2);
    const byC = a.writers[2]!.fact('maint.cacheInvalidated', { keys: ['c'], epochFloor: 2 });
    const st = namespaceReducer.init();
    for (const f of [byC, addC, a.genesis]) namespaceReducer.apply(st, f);
    expect([...st.authz.held.keys()]).toEqual([waitKey.device(a.keys[2]!.deviceId)]);
    namespaceReducer.apply(st, addB);
    expect(st.authz.held.size).toBe(0);
    expect(st.maintenance.cacheFloors.get('c')).toBe(2);
  });

  it("tree ops keep the tree reducer's own rule: admitted, and applied only where their device is a leaf", () => {
    const a = authority('tree-rule');
    const outsider = a.op([a.genesis], 1, { type: 'RotateEpoch' });
    expect(verdictIn([a.genesis], outsider)).toEqual(ok);
    expect(reduce([a.genesis, outsider]).tree.applied).toEqual([]);
  });

  it('at t = 1 an admin replacement counts only from the admin it retires: a device hands over its own role', () => {
    const a = authority('admin');
    const add = a.add([a.genesis], 0, 1);
    const prestate = currentTree(reduce([a.genesis, add]).tree)!.commitment;
    const own = a.writers[0]!.fact('maint.adminReplacement', { oldAdmin: a.keys[0]!.deviceId, newAdmin: a.keys[1]!.deviceId, activationEpoch: 2, prestate });
    const other = a.writers[1]!.fact('maint.adminReplacement', { oldAdmin: a.keys[0]!.deviceId, newAdmin: a.keys[1]!.deviceId, activationEpoch: 2, prestate });
    expect(verdictIn([a.genesis, add], own)).toEqual(ok);
    expect(verdictIn([a.genesis, add], other)).toEqual({ ok: false, refuse: 'NotCurrentAdmin' });
    const stranger = deviceKey('authz-admin-stranger').deviceId;
    expect(verdictIn([a.genesis, add], a.writers[0]!.fact('maint.adminReplacement', { oldAdmin: stranger, newAdmin: stranger, activationEpoch: 2, prestate }))).toEqual({
      ok: false,
      refuse: 'NotCurrentAdmin',
    });
  });
});
