import { describe, expect, it } from 'vitest';
import type { DeviceId } from '../../src/core/ids.ts';
import { befriend } from '../support/contacts-net.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const NEVER: [number, number] = [3_600_000, 3_600_000];

/** Watches the bus: at every emission the sender must already have been issued that many charged units. */
function watchCharges(bus: MemoryBus, peers: readonly TestPeer[]) {
  const byDevice = new Map<DeviceId, TestPeer>(peers.map((p) => [p.node.identity()!.deviceId, p]));
  const emitted = new Map<DeviceId, number>();
  const kinds = new Set<string>();
  const uncharged: string[] = [];
  bus.onWire = (from, what) => {
    kinds.add(what);
    const n = (emitted.get(from) ?? 0) + 1;
    emitted.set(from, n);
    const issued = byDevice.get(from)!.node.charges.issued;
    if (issued < n) uncharged.push(`${byDevice.get(from)!.node.profile} ${what} #${n} with ${issued} charged`);
  };
  return { emitted, kinds, uncharged };
}

describe('charge-before-send', () => {
  it('ceremony messages are charged too: a contact invitation from offer to commit', async () => {
    const bus = new MemoryBus();
    const [a, b] = [await peerOn(bus, 'alice', { syncIntervalMs: NEVER }), await peerOn(bus, 'bob', { syncIntervalMs: NEVER })];
    const { emitted, uncharged } = watchCharges(bus, [a, b]);
    await befriend(a, b);
    expect([...emitted.values()].reduce((x, y) => x + y, 0)).toBeGreaterThan(4);
    expect(uncharged).toEqual([]);
  });

  it('no byte leaves through the transport without a charge recorded before it: facts, joins, acks, sync frames and witness-group messages', async () => {
    const bus = new MemoryBus();
    const peers = await Promise.all(['alice', 'bob', 'carol'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
    const [a, b, c] = peers as [TestPeer, TestPeer, TestPeer];
    const { emitted, kinds, uncharged } = watchCharges(bus, peers);
    const ch = await a.node.createChannel('general');
    await a.node.sendMessage(ch, 'one');
    const code = a.node.joinCode(ch);
    await b.node.joinChannel(code);
    await until(() => b.node.messages(ch).data.length === 1, 'bob catches up');
    await b.node.sendMessage(ch, 'two');
    await c.node.joinChannel(code);
    await until(() => c.node.messages(ch).data.length === 2, 'carol catches up');
    await c.node.sendMessage(ch, 'three');
    for (const p of peers) await p.node.syncNow();
    for (const p of peers) await until(() => p.node.messages(ch).data.length === 3, `${p.node.profile} has all`);
    await until(() => a.node.messages(ch).data[0]!.indicator === 'Delivered' || a.node.messages(ch).data[0]!.indicator === 'Finalized', 'acks reach alice');
    // The witnesses' DKG and checkpoint consensus travel on their group topic: charged too.
    await until(() => a.node.messages(ch).data.every((m) => m.indicator === 'Finalized'), 'a checkpoint', 60_000);
    expect(kinds).toEqual(new Set(['payload', 'frame']));
    expect([...emitted.values()].reduce((x, y) => x + y, 0)).toBeGreaterThan(20);
    expect(uncharged).toEqual([]);
  });
});
