import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const NEVER: readonly [number, number] = [3_600_000, 3_600_001];
const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text).sort();
const device = (p: TestPeer) => p.transport.device;

/** A channel every peer has joined and fully caught up on. */
async function sharedChannel(peers: TestPeer[]): Promise<string> {
  const [first, ...rest] = peers;
  const ch = await first!.node.createChannel('shared');
  const code = first!.node.joinCode(ch);
  for (const p of rest) await p.node.joinChannel(code);
  for (const p of peers) await until(() => p.node.channels().data.length === 1, 'joined');
  for (const p of peers) await until(() => p.node.statusDetails(ch)?.expected.length === peers.length - 1, 'members known');
  return ch;
}

describe('anti-entropy between nodes', () => {
  it('a partitioned node catches up through reconciliation, and propagation follows the evidence', async () => {
    const bus = new MemoryBus();
    const [a, b, c] = await Promise.all(['alice', 'bob', 'carol'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
    const ch = await sharedChannel([a!, b!, c!]);
    bus.partition(device(a!), device(c!));
    bus.partition(device(b!), device(c!));
    const id = await a!.node.sendMessage(ch, 'while carol was away');
    for (let i = 0; i < 20; i++) await b!.node.sendMessage(ch, `bob ${i}`);
    await until(() => texts(a!, ch).length === 21, 'a and b converge by gossip');
    expect(texts(c!, ch)).toEqual([]);
    // Bob acked by gossip; Carol is unreachable: Syncing 1 of 2 members, not Sent (and no longer "Sending").
    await until(() => a!.node.statusDetails(id)?.propagation.state === 'Syncing', 'syncing');
    await until(() => a!.node.statusDetails(id)!.acks.length === 1, "bob's ack");
    expect(a!.node.messages(ch).data.find((m) => m.id === id)).toMatchObject({ indicator: 'Syncing', progress: { reached: 1, of: 2, unit: 'members' } });

    bus.partition(device(a!), device(c!), false);
    bus.partition(device(b!), device(c!), false);
    await c!.node.syncNow();
    await until(() => texts(c!, ch).length === 21, 'carol catches up');
    expect(texts(c!, ch)).toEqual(texts(a!, ch));
    await a!.node.syncNow();
    await until(() => a!.node.statusDetails(id)?.propagation.state === 'Complete', 'complete');
    await until(() => a!.node.messages(ch).data.find((m) => m.id === id)?.indicator === 'Delivered', 'delivered once carol acks');
    const metrics = a!.node.syncMetrics()!;
    expect(metrics.recent.some((o) => o.ok)).toBe(true);
  });

  it('five nodes under random partitions and heals converge to identical journals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ writer: fc.nat(4), cut: fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { maxLength: 4 }) }), { minLength: 3, maxLength: 6 }),
        async (rounds) => {
          const bus = new MemoryBus();
          const peers = await Promise.all([0, 1, 2, 3, 4].map((i) => peerOn(bus, `n${i}-${Math.random().toString(36).slice(2, 6)}`, { syncIntervalMs: NEVER })));
          const ch = await sharedChannel(peers);
          let n = 0;
          for (const r of rounds) {
            for (const [x, y] of r.cut) if (x !== y) bus.partition(device(peers[x]!), device(peers[y]!));
            for (let k = 0; k < 3; k++) await peers[r.writer]!.node.sendMessage(ch, `m${n++}`);
            for (const [x, y] of r.cut) if (x !== y) bus.partition(device(peers[x]!), device(peers[y]!), false);
          }
          // Two passes, apart by more than the responders' per-peer inbound limit.
          for (const p of peers) await p.node.syncNow();
          await new Promise((r) => setTimeout(r, 600));
          for (const p of peers) await p.node.syncNow();
          for (const p of peers) await until(() => texts(p, ch).length === n, `converged at ${p.node.profile}`);
          const reference = texts(peers[0]!, ch);
          for (const p of peers) expect(texts(p, ch)).toEqual(reference);
          await Promise.all(peers.map((p) => p.node.close()));
        },
      ),
      { numRuns: 6, endOnFailure: true },
    );
  }, 180_000);
});
