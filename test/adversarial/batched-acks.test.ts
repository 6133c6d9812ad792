import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createAcks, MAX_ACK_FACTS } from '../../src/core/facts/fact-ack.ts';
import { decodeJoinCode } from '../../src/core/facts/join-code.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import { deviceKey } from '../support/fixtures.ts';
import { MemoryBus, peerOn, seededRandom, until, type TestPeer } from '../support/node-net.ts';

const ackers = (p: TestPeer, id: FactId) => p.node.statusDetails(id)?.acks.map((a) => a.peer) ?? [];

/** Acks a node publishes, counted on its real transport (each one a signature made and one to verify). */
function countPublishedAcks(p: TestPeer): { acks: number } {
  const seen = { acks: 0 };
  const publish = p.transport.publishAcks.bind(p.transport);
  p.transport.publishAcks = (context, acks, ticket) => {
    seen.acks += acks.length;
    return publish(context, acks, ticket);
  };
  return seen;
}

describe('batched acks', () => {
  it('a new member catching up on 150 messages acks them in a few signed batches, and every one becomes Delivered', async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all([peerOn(bus, 'alice'), peerOn(bus, 'bob')]);
    const ch = await a.node.createChannel('general');
    const ids: FactId[] = [];
    for (let i = 0; i < 150; i++) ids.push(await a.node.sendMessage(ch, `m${i}`));
    const published = countPublishedAcks(b);
    await b.node.joinChannel(a.node.joinCode(ch));
    const bob = b.node.identity()!.authorityId;
    await until(() => ids.every((id) => ackers(a, id).includes(bob)), 'alice holds bob’s ack of every message', 30_000);
    // Whole acks of MAX_ACK_FACTS facts across the session’s frames, not one per message nor one per frame.
    expect(published.acks).toBeGreaterThanOrEqual(Math.ceil(150 / MAX_ACK_FACTS));
    expect(published.acks).toBeLessThanOrEqual(6);
    expect(a.node.messages(ch).data.filter((m) => m.own && m.indicator === 'Delivered')).toHaveLength(150);
  });

  it('forged, malformed, oversized, non-member and cross-context batches are dropped and counted; the rest of an honest batch still counts', async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all([peerOn(bus, 'alice'), peerOn(bus, 'bob')]);
    const ch = await a.node.createChannel('general');
    const other = await a.node.createChannel('alice-only');
    await b.node.joinChannel(a.node.joinCode(ch));
    await until(() => a.node.statusDetails(ch)?.expected.length === 1, 'alice admits bob');
    // Bob is away: these messages reach nobody, so only the acks we inject can prove anything.
    bus.partition(a.node.key.deviceId, b.node.key.deviceId);
    const [m1, m2, m3] = [await a.node.sendMessage(ch, 'one'), await a.node.sendMessage(ch, 'two'), await a.node.sendMessage(ch, 'three')];
    const foreign = await a.node.sendMessage(other, 'not bob’s to ack');
    const { context, secret } = decodeJoinCode(a.node.joinCode(ch));
    const ns = contextNamespace(context);
    const bob = b.node.identity()!.authorityId;
    const sealer = new ContextChannel(context, secret);
    const inject = (acks: Uint8Array[], seed: string) => bus.inject(sealer.topic, sealer.sealAcks(acks, seededRandom(seed))[0]!, 'intruder');
    const dropped = (k: string) => a.node.network().dropped[k] ?? 0;

    // Bob's real key, one batch naming a fact of this context and one of a context he is not in.
    inject(createAcks(b.node.key, { ns, facts: [m1, foreign], by: bob, at: 1 }), 'cross');
    await until(() => dropped('ack-foreign-fact') === 1, 'the foreign fact dropped');
    await until(() => ackers(a, m1).includes(bob), 'the fact of this context still acked');
    expect(ackers(a, foreign)).toEqual([]);

    // A forged batch: Bob's batch with one bit of its signature flipped.
    const [forged] = createAcks(b.node.key, { ns, facts: [m2, m3], by: bob, at: 1 });
    forged![forged!.length - 2]! ^= 1;
    inject([forged!], 'forged');
    await until(() => dropped('invalid-ack:BadSignature') === 1, 'the forged batch dropped');

    // Malformed: its facts out of order (one set, one encoding); checked before any signature work.
    const unordered = encodeCanonical({ v: 2, ns, facts: [m2, m3].sort().reverse(), by: bob, device: b.node.key.deviceId, at: 1, sig: new Uint8Array(64) });
    inject([unordered], 'unordered');
    await until(() => dropped('invalid-ack:Malformed') === 1, 'the unordered batch dropped');

    // A device that is no member's, signing a batch in Bob's name.
    inject(createAcks(deviceKey('outsider'), { ns, facts: [m2, m3], by: bob, at: 1 }), 'outsider');
    await until(() => dropped('ack-not-member') === 1, 'the outsider’s batch dropped');

    // Oversized: past MAX_ACK_BYTES the envelope itself is refused.
    const before = Object.values(a.node.network().dropped).reduce((s, n) => s + n, 0);
    const [big] = createAcks(b.node.key, { ns, facts: [m2], by: 'b'.repeat(128), at: 1 });
    const huge = new Uint8Array(5000);
    huge.set(big!);
    inject([huge], 'huge');
    await until(() => Object.values(a.node.network().dropped).reduce((s, n) => s + n, 0) === before + 1, 'the oversized ack dropped');

    expect(ackers(a, m2)).toEqual([]);
    expect(ackers(a, m3)).toEqual([]);
    // Bob's honest batch, once he is back, covers both.
    inject(createAcks(b.node.key, { ns, facts: [m3, m2], by: bob, at: 2 }), 'honest');
    await until(() => ackers(a, m2).includes(bob) && ackers(a, m3).includes(bob), 'the honest batch counts');
  });
});
