import { afterEach, describe, expect, it } from 'vitest';
import { contextNamespace } from '../../src/core/ids.ts';
import type { AuraNode } from '../../src/node/aura-node.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

let channels = 0;
const open: AuraNode[] = [];
afterEach(async () => {
  for (const n of open.splice(0)) await n.close();
});

/** Three tabs of one browser: nodes on one memory network, their labs on one real (Node) BroadcastChannel. */
async function tabs(): Promise<{ a: TestPeer; b: TestPeer; c: TestPeer; name: string; bus: MemoryBus }> {
  const name = `aura-lab-test-${++channels}`;
  const bus = new MemoryBus();
  const peers = await Promise.all(['alice', 'bob', 'carol'].map((n) => peerOn(bus, `${n}-${channels}`, { labChannel: () => new BroadcastChannel(name) })));
  open.push(...peers.map((p) => p.node));
  return { a: peers[0]!, b: peers[1]!, c: peers[2]!, name, bus };
}

describe('the lab across tabs', () => {
  it('every tab sees every tab, the shared channel converged, and a tab cut off from the others diverging until it heals', async () => {
    const { a, b, c, bus } = await tabs();
    const ch = await a.node.createChannel('crew');
    const code = a.node.joinCode(ch);
    await b.node.joinChannel(code);
    await c.node.joinChannel(code);
    const ctx = contextNamespace(a.node.channels().data.find((x) => x.id === ch)!.context);
    const holds = (p: TestPeer) => a.node.lab.view().tabs.find((t) => t.device === p.node.key.deviceId)?.contexts.find((x) => x.context === ctx);
    await until(() => a.node.lab.view().tabs.length === 3 && holds(b) !== undefined && holds(c) !== undefined, 'alice sees three tabs holding the channel');
    const names = a.node.lab.view().tabs.map((t) => t.identity?.name);
    expect(names[0]).toBe(`alice-${channels}`);
    expect(new Set(names)).toEqual(new Set([`alice-${channels}`, `bob-${channels}`, `carol-${channels}`]));
    await until(() => a.node.lab.view().converged, 'converged');
    expect(a.node.lab.view().since).not.toBeNull();

    for (const p of [a, b]) bus.partition(c.node.key.deviceId, p.node.key.deviceId);
    await a.node.sendMessage(ch, 'carol will not see this yet');
    await until(() => !a.node.lab.view().converged, 'diverged');
    expect(a.node.lab.view().diverged).toEqual([ctx]);
    expect(a.node.lab.view().since).toBeNull();
    // The sender's status on its own tab as every tab sees it, and carol's tab missing the message.
    const row = (p: TestPeer) => a.node.lab.view().tabs.find((t) => t.device === p.node.key.deviceId)!.messages.find((m) => m.text === 'carol will not see this yet');
    expect(row(a)?.own).toBe(true);
    expect(row(c)).toBeUndefined();

    for (const p of [a, b]) bus.partition(c.node.key.deviceId, p.node.key.deviceId, false);
    await c.node.syncNow();
    await until(() => a.node.lab.view().converged && b.node.lab.view().converged, 'converged again');
    expect(holds(c)?.facts).toBe(holds(a)?.facts);
  });

  it('junk on the channel is counted and dropped; a closed tab drops out', async () => {
    const { a, b, c, name } = await tabs();
    await until(() => a.node.lab.view().tabs.length === 3, 'three tabs');
    const intruder = new BroadcastChannel(name);
    intruder.postMessage({ v: 1, type: 'report', device: 'x' });
    intruder.postMessage('hello');
    // Another tab claiming to be alice is not shown as a tab of its own.
    intruder.postMessage({ ...a.node.lab.view().tabs[0]!, profile: 'impostor' });
    intruder.close();
    await until(() => Object.values(a.node.lab.view().dropped).reduce((x, y) => x + y, 0) === 3, 'three drops');
    expect(a.node.lab.view().dropped).toEqual({ identity: 1, shape: 1, self: 1 });
    expect(a.node.lab.view().tabs.map((t) => t.profile)).not.toContain('impostor');

    await c.node.close();
    await until(() => a.node.lab.view().tabs.length === 2 && b.node.lab.view().tabs.length === 2, 'carol drops out', 20_000);
    expect(a.node.lab.view().tabs.map((t) => t.device)).not.toContain(c.node.key.deviceId);
  });

  it("faults set from one tab's lab are applied by the tab addressed, to itself only; heal everything heals every tab", async () => {
    const { a, b, c } = await tabs();
    await until(() => a.node.lab.view().tabs.length === 3, 'three tabs');
    a.node.lab.setFaults(b.node.key.deviceId, { offline: true, latencyMs: 300 });
    a.node.lab.setFaults(a.node.key.deviceId, { blocked: [c.node.key.deviceId] });
    await until(() => b.node.faults.status().offline, 'bob offline');
    expect(b.node.faults.status()).toEqual({ offline: true, blocked: [], latencyMs: 300, loss: 0 });
    expect(a.node.faults.status().blocked).toEqual([c.node.key.deviceId]);
    expect(c.node.faults.status()).toEqual({ offline: false, blocked: [], latencyMs: 0, loss: 0 });
    // Every tab's view shows bob's faults as bob reports them.
    await until(() => c.node.lab.view().tabs.find((t) => t.device === b.node.key.deviceId)?.faults.offline === true, 'carol sees bob offline');

    c.node.lab.healAll();
    await until(() => !b.node.faults.status().offline && a.node.faults.status().blocked.length === 0, 'all healed');
    expect(b.node.faults.status().latencyMs).toBe(0);
  });

  it('a chaos run from a seed sets faults on the tabs, then heals everything', async () => {
    const { a, b, c } = await tabs();
    await until(() => a.node.lab.view().tabs.length === 3, 'three tabs');
    const faulty = () => [a, b, c].some((p) => JSON.stringify(p.node.faults.status()) !== JSON.stringify({ offline: false, blocked: [], latencyMs: 0, loss: 0 }));
    a.node.lab.chaos(7, 3_000);
    expect(a.node.lab.view().chaos).toMatchObject({ seed: 7, durationMs: 3_000 });
    await until(faulty, 'some fault set');
    await until(() => a.node.lab.view().chaos === null && !faulty(), 'healed after the run', 20_000);
  });
});
