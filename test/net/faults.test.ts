import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContextId, DeviceId } from '../../src/core/ids.ts';
import { Faults } from '../../src/net/faults.ts';
import { MemoryBus, type MemoryTransport } from '../../src/net/memory-transport.ts';
import { seededRandom } from '../support/node-net.ts';
import { ticketFor } from '../support/ticket.ts';

const CONTEXT = 'ctx-faults' as ContextId;
const SECRET = new Uint8Array(32).fill(7);
const flush = async () => {
  for (let k = 0; k < 10; k++) await new Promise((r) => setTimeout(r, 0));
};

/** Devices on one bus, all in the context, each recording the first byte of every ack delivered to it. */
function world(...names: string[]) {
  const bus = new MemoryBus();
  const got = new Map<string, number[]>();
  const ts = names.map((n) => {
    const t = bus.connect(`dev-${n}` as DeviceId, seededRandom(n));
    t.join(CONTEXT, SECRET);
    got.set(n, []);
    t.onDelivery((d) => got.get(n)!.push(...d.acks.map((x) => x[0]!)));
    return t;
  });
  return { bus, ts, got: (n: string) => got.get(n)! };
}
const say = (t: MemoryTransport, byte: number) => t.publishAcks(CONTEXT, [Uint8Array.of(byte)], ticketFor(CONTEXT));

afterEach(() => vi.useRealTimers());

describe('lab faults at the transport (memory bus)', () => {
  it('offline: nothing goes out or comes in, each payload is counted, and coming back delivers what was held', async () => {
    const { bus, ts, got } = world('a', 'b');
    const [a, b] = ts as [MemoryTransport, MemoryTransport];
    await flush();
    const wire: string[] = [];
    bus.onWire = (from) => wire.push(from);
    a.setFaults({ offline: true });
    expect(a.connectedPeers()).toEqual([]);
    expect(b.connectedPeers()).toEqual([]);
    await expect(a.openSync(b.device)).rejects.toThrow();
    await say(a, 1);
    await say(b, 2);
    expect(await a.publishTopic('raw-topic', Uint8Array.of(3))).toBe(0);
    await flush();
    expect(got('a')).toEqual([]);
    expect(got('b')).toEqual([]);
    expect(wire).toEqual([]);
    expect(a.status().dropped['lab:offline']).toBe(2);
    expect(a.status().published).toBe(0);

    a.setFaults({ offline: false });
    await flush();
    expect(got('b')).toEqual([1]);
    expect(got('a')).toEqual([2]);
    expect(a.connectedPeers()).toEqual([b.device]);
  });

  it('a partition cuts the direct link both ways, gossip still crosses through a third member, and healing meets again', async () => {
    const { ts, got } = world('a', 'b', 'c');
    const [a, b, c] = ts as [MemoryTransport, MemoryTransport, MemoryTransport];
    await flush();
    const met: string[] = [];
    b.onPeerConnected((p) => met.push(p));
    a.setFaults({ blocked: [b.device] });
    expect(a.labFaults().blocked).toEqual([b.device]);
    expect(a.connectedPeers()).toEqual([c.device]);
    expect(b.connectedPeers()).toEqual([c.device]);
    await expect(a.openSync(b.device)).rejects.toThrow();
    await expect(b.openSync(a.device)).rejects.toThrow();
    await say(a, 1);
    await say(b, 2);
    await flush();
    expect(got('b')).toEqual([1]);
    expect(got('a')).toEqual([2]);
    expect(got('c').sort()).toEqual([1, 2]);

    // Without the third member nothing crosses.
    c.setFaults({ offline: true });
    await say(a, 3);
    await flush();
    expect(got('b')).toEqual([1]);

    c.setFaults({ offline: false });
    a.setFaults({ blocked: [] });
    await flush();
    expect(met).toContain(a.device);
    expect(a.connectedPeers()).toEqual([b.device, c.device].sort());
    const ch = await b.openSync(a.device);
    await ch.close();
  });

  it('a sync channel closes when its link is cut: sending throws, the other end reads the end', async () => {
    const { ts } = world('a', 'b');
    const [a, b] = ts as [MemoryTransport, MemoryTransport];
    const theirs = new Promise<Awaited<ReturnType<MemoryTransport['openSync']>>>((r) => b.onSyncChannel((ch) => r(ch)));
    const mine = await a.openSync(b.device);
    await mine.send(Uint8Array.of(1));
    const other = await theirs;
    expect(await other.receive()).toEqual(Uint8Array.of(1));
    a.setFaults({ blocked: [b.device] });
    await expect(mine.send(Uint8Array.of(2))).rejects.toThrow(/cut/);
    expect(await other.receive()).toBeNull();
  });

  it('loss drops the set per mille of payloads, counted, the same ones for the same seed', async () => {
    const run = async () => {
      const { ts, got } = world('a', 'b');
      const [a] = ts as [MemoryTransport];
      a.setFaults({ loss: 300 });
      for (let k = 0; k < 200; k++) await say(a, k);
      await flush();
      return { delivered: got('b'), lost: a.status().dropped['lab:loss'] ?? 0 };
    };
    const first = await run();
    expect(first.delivered.length + first.lost).toBe(200);
    // 30 % of 200, within a wide margin: the PRNG is seeded, not skewed.
    expect(first.lost).toBeGreaterThan(30);
    expect(first.lost).toBeLessThan(90);
    expect(await run()).toEqual(first);
  });

  it('loss 1000 drops everything and 0 nothing; a lost payload is not held for later', async () => {
    const { ts, got } = world('a', 'b');
    const [a] = ts as [MemoryTransport];
    a.setFaults({ loss: 1000 });
    for (let k = 0; k < 5; k++) await say(a, k);
    a.setFaults({ loss: 0 });
    await say(a, 9);
    await flush();
    expect(got('b')).toEqual([9]);
    expect(a.status().dropped['lab:loss']).toBe(5);
  });

  it('latency holds every payload and frame back until it has passed', async () => {
    vi.useFakeTimers();
    const { ts, got } = world('a', 'b');
    const [a, b] = ts as [MemoryTransport, MemoryTransport];
    const frames: Uint8Array[] = [];
    b.onSyncChannel((ch) => void ch.receive().then((f) => f && frames.push(f)));
    a.setFaults({ latencyMs: 250 });
    const sent = say(a, 1);
    const ch = await a.openSync(b.device);
    const frame = ch.send(Uint8Array.of(5));
    await vi.advanceTimersByTimeAsync(249);
    expect(got('b')).toEqual([]);
    expect(frames).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await sent;
    await frame;
    await vi.advanceTimersByTimeAsync(0);
    expect(got('b')).toEqual([1]);
    expect(frames).toEqual([Uint8Array.of(5)]);
  });
});

describe('the fault state', () => {
  it('clamps to range, sorts and dedupes the blocked peers, and says what changed', () => {
    const f = new Faults(seededRandom('f'));
    expect(f.set({ loss: 5000, latencyMs: -3, blocked: ['z' as DeviceId, 'y' as DeviceId, 'z' as DeviceId] })).toEqual({ wentOffline: false, cameOnline: false, newlyBlocked: ['y', 'z'], unblocked: [] });
    expect(f.current).toEqual({ offline: false, blocked: ['y', 'z'], latencyMs: 0, loss: 1000 });
    expect(f.set({ offline: true, blocked: ['y' as DeviceId] })).toEqual({ wentOffline: true, cameOnline: false, newlyBlocked: [], unblocked: ['z'] });
    expect(f.cuts(null)).toBe(true);
    expect(f.set({ offline: false, loss: Number.NaN }).cameOnline).toBe(true);
    expect(f.current.loss).toBe(0);
    expect(f.cuts('y' as DeviceId)).toBe(true);
    expect(f.cuts('z' as DeviceId)).toBe(false);
    expect(f.cuts(null)).toBe(false);
  });
});
