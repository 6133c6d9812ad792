import { describe, expect, it } from 'vitest';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text).sort();

describe('node.faults', () => {
  it('offline from the lab stops traffic (the other side receives nothing) and heal catches up', async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all(['alice', 'bob'].map((n) => peerOn(bus, n)));
    const ch = await a!.node.createChannel('lab');
    await b!.node.joinChannel(a!.node.joinCode(ch));
    await a!.node.sendMessage(ch, 'before');
    await until(() => texts(b!, ch).length === 1, 'bob has the first message');

    let told = 0;
    a!.node.subscribe(() => told++);
    a!.node.faults.set({ offline: true });
    expect(a!.node.faults.status().offline).toBe(true);
    await until(() => told > 0, 'subscribers told of the fault');
    const received = b!.node.network().received;
    for (const t of ['one', 'two', 'three']) await a!.node.sendMessage(ch, t);
    await until(() => (a!.node.network().dropped['lab:offline'] ?? 0) >= 3, 'alice counts what she did not send');
    expect(b!.node.network().received).toBe(received);
    expect(texts(b!, ch)).toEqual(['before']);
    expect(a!.node.network().peers).toEqual([]);

    a!.node.faults.heal();
    expect(a!.node.faults.status()).toEqual({ offline: false, blocked: [], latencyMs: 0, loss: 0 });
    await until(() => texts(b!, ch).length === 4, 'bob catches up after heal');
    expect(b!.node.network().received).toBeGreaterThan(received);
  });

  it('malformed faults are refused with a typed error and change nothing', async () => {
    const p = await peerOn(new MemoryBus(), 'lab-input');
    for (const bad of [{ blocked: 'dev' }, { loss: Number.NaN }, { offline: 'yes' }, { latencyMs: '5' }, { blocked: [1] }]) {
      expect(() => p.node.faults.set(bad as never)).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
    }
    expect(p.node.faults.status()).toEqual({ offline: false, blocked: [], latencyMs: 0, loss: 0 });
    p.node.faults.set({ loss: 2000, latencyMs: 10 });
    expect(p.node.faults.status()).toMatchObject({ loss: 1000, latencyMs: 10 });
  });

  it('a node without a network refuses faults with a typed error', async () => {
    const bus = new MemoryBus();
    const p = await peerOn(bus, 'solo', { transport: undefined });
    expect(p.node.faults.status().offline).toBe(false);
    expect(() => p.node.faults.set({ offline: true })).toThrow(expect.objectContaining({ code: 'Offline' }));
  });
});
