import { describe, expect, it } from 'vitest';
import { contextTopic, syncOpenProof } from '../../src/core/crypto/context-keys.ts';
import { decodeJoinCode } from '../../src/core/facts/join-code.ts';
import { decodeFrame, encodeFrame } from '../../src/protocols/sync/frames.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const NEVER: readonly [number, number] = [3_600_000, 3_600_001];
const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text).sort();
const device = (p: TestPeer) => p.transport.device;

describe('joining through sync', () => {
  it('a member whose join never reached anyone by gossip is reconciled with once it is seen on the topic', async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all(['alice', 'bob'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
    const ch = await a!.node.createChannel('quiet');
    await a!.node.sendMessage(ch, 'before bob');
    const code = a!.node.joinCode(ch);
    // Bob joins while cut off: his binding is published to nobody, and he has nothing of Alice's.
    bus.partition(device(a!), device(b!));
    await b!.node.joinChannel(code);
    expect(a!.node.statusDetails(ch)?.expected).toEqual([]);
    // They meet again. Neither knows the other as a member; the sync opening proves both hold the secret.
    bus.partition(device(a!), device(b!), false);
    b!.transport.rejoin(device(a!));
    a!.transport.rejoin(device(b!));
    await until(() => texts(b!, ch).length === 1, 'bob has the history');
    await until(() => a!.node.statusDetails(ch)?.expected.length === 1, 'alice knows bob');
    expect(texts(b!, ch)).toEqual(['before bob']);
    // From then on they talk as members.
    await b!.node.sendMessage(ch, 'hello from bob');
    await until(() => texts(a!, ch).length === 2, 'alice has bob’s message');
  });

  it('a device without the secret is denied, whatever topic it names and whatever proof it replays', async () => {
    const bus = new MemoryBus();
    const [a, b, eve] = await Promise.all(['alice', 'bob', 'eve'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
    const ch = await a!.node.createChannel('private');
    const { secret } = decodeJoinCode(a!.node.joinCode(ch));
    const topic = contextTopic(secret);
    const attempt = async (proof: Uint8Array) => {
      await new Promise((r) => setTimeout(r, 600)); // past Alice's per-peer inbound limit
      const c = await eve!.transport.openSync(device(a!));
      await c.send(encodeFrame({ t: 'open', topic, proof }));
      const reply = await c.receive();
      await c.close();
      return reply && decodeFrame(reply).t;
    };
    // Eve sees the topic (it is public) but cannot make a proof; Bob's proof for Alice names Bob, not Eve.
    expect(await attempt(new Uint8Array(32))).toBe('deny');
    expect(await attempt(syncOpenProof(secret, device(b!), device(a!)))).toBe('deny');
    // With the secret, the same opening is served.
    expect(await attempt(syncOpenProof(secret, device(eve!), device(a!)))).toBe('ok');
    expect(a!.node.syncMetrics()!.servedFailures).toMatchObject({ Denied: 2 });
  });
});

describe('acks through sync', () => {
  it('an ack that gossip could not carry to the author is asked for in the next session, and the message reaches Delivered', async () => {
    const bus = new MemoryBus();
    const [a, b, c] = await Promise.all(['alice', 'bob', 'carol'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
    const ch = await a!.node.createChannel('acks');
    const code = a!.node.joinCode(ch);
    for (const p of [b!, c!]) await p.node.joinChannel(code);
    for (const p of [a!, b!, c!]) await until(() => p.node.statusDetails(ch)?.expected.length === 2, 'members known');
    // Bob can reach only Carol: he gets Alice's message from Carol, and his gossiped ack reaches Carol alone
    // (the in-memory bus does not forward).
    bus.partition(device(a!), device(b!));
    const id = await a!.node.sendMessage(ch, 'ack me');
    await until(() => texts(c!, ch).length === 1, 'carol has it');
    await b!.node.syncNow();
    await until(() => texts(b!, ch).length === 1, 'bob has it through carol');
    const acked = () => a!.node.statusDetails(id)!.acks.map((r) => r.peer);
    await until(() => acked().length > 0, "carol's ack reaches alice");
    await new Promise((r) => setTimeout(r, 100));
    expect(acked()).toEqual([c!.node.identity()!.authorityId]);
    // Alice and Bob meet again; Alice's next session with Bob asks for the ack she is missing.
    bus.partition(device(a!), device(b!), false);
    await new Promise((r) => setTimeout(r, 600));
    await a!.node.syncNow();
    await until(() => a!.node.messages(ch).data.find((m) => m.id === id)?.indicator === 'Delivered', 'delivered');
    expect(acked().sort()).toEqual([b!.node.identity()!.authorityId, c!.node.identity()!.authorityId].sort());
  });
});
