import { describe, expect, it } from 'vitest';
import { createFact } from '../../src/core/facts/create.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { currentTree } from '../../src/core/reduce/tree/tree-reducer.ts';
import { deviceKey } from '../support/fixtures.ts';
import { deviceOn, MemoryBus, peerOn, until } from '../support/node-net.ts';

const v9 = { major: 9, minor: 0, patch: 0 };
const stateOf = (p: Awaited<ReturnType<typeof peerOn>>, id: string) => p.node.devices.ceremonies().find((c) => c.id === id)?.state.type;

describe('attacks on upgrade activation', () => {
  it('an activation signed by a device that is not the authority’s never counts: nothing is required of anyone', async () => {
    const bus = new MemoryBus();
    const laptop = await peerOn(bus, 'laptop');
    const authority = laptop.node.identity()!.authorityId;
    const ns = authorityNamespace(authority);
    const head = currentTree(laptop.node.journals.get(ns)!.state.tree)!;
    const mallory = deviceKey('upgrade-mallory');
    const forged = createFact(mallory, { ns, kind: 'maint.upgradeActivated', author: authority, time: laptop.node.tick(), body: { packageId: 'evil', toVersion: v9, activationFence: 0, prestate: head.commitment } });
    const r = await laptop.node.ingest(authority, [forged.bytes]);
    expect(r.stored).toBe(0);
    expect(laptop.node.upgrades.view()).toMatchObject({ required: null, outdated: false, activations: [] });
  });

  it('an activation by a device naming a tree state it was not a device of is refused, typed and counted', async () => {
    const bus = new MemoryBus();
    const laptop = await peerOn(bus, 'laptop');
    const phone = await deviceOn(bus, 'phone');
    const genesisState = currentTree(laptop.node.journals.get(authorityNamespace(laptop.node.identity()!.authorityId))!.state.tree)!.commitment;
    const { id, code } = laptop.node.devices.addDevice();
    phone.node.devices.enrollWithCode(code!);
    await until(() => stateOf(laptop, id) === 'Committed' && stateOf(phone, id) === 'Committed', 'enrolled', 30_000);
    const authority = laptop.node.identity()!.authorityId;
    const ns = authorityNamespace(authority);
    // The phone (a modified client) backdates its decision to the genesis state, where only the laptop decides.
    const backdated = createFact(phone.node.key, { ns, kind: 'maint.upgradeActivated', author: authority, time: phone.node.tick(), body: { packageId: 'x', toVersion: v9, activationFence: 0, prestate: genesisState } });
    const r = await laptop.node.ingest(authority, [backdated.bytes]);
    expect(r).toMatchObject({ stored: 0, refused: 1 });
    expect(laptop.transport.status().dropped['unauthorized:NotADeviceOfState']).toBe(1);
    expect(laptop.node.upgrades.view()!.required).toBeNull();
  });

  it('an activation from another authority’s device, carried into ours, is refused by namespace and writer', async () => {
    const bus = new MemoryBus();
    const laptop = await peerOn(bus, 'laptop');
    const authority = laptop.node.identity()!.authorityId;
    const other = createGenesis(deviceKey('upgrade-other'), new Uint8Array(16), { wall: 1, logical: 0 });
    const foreign = createFact(deviceKey('upgrade-other'), { ns: authorityNamespace(authority), kind: 'maint.upgradeActivated', author: other.fact.author, time: laptop.node.tick(), body: { packageId: 'x', toVersion: v9, activationFence: 0, prestate: '0'.repeat(64) } });
    const r = await laptop.node.ingest(authority, [foreign.bytes]);
    expect(r.stored).toBe(0);
    expect(laptop.node.upgrades.view()!.activations).toEqual([]);
  });
});
