import { describe, expect, it } from 'vitest';
import { contextTopic } from '../../src/core/crypto/context-keys.ts';
import { decodeJoinCode } from '../../src/core/facts/join-code.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import { createFact } from '../../src/core/facts/create.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { deviceKey } from '../support/fixtures.ts';
import { MemoryBus, peerOn, seededRandom, until } from '../support/node-net.ts';

const texts = (p: { node: { messages: (c: string) => { data: readonly { text: string }[] } } }, ch: string) => p.node.messages(ch).data.map((m) => m.text);

describe('nodes on a network', () => {
  it('A creates a channel, B and C join with its code, everyone sees every message', async () => {
    const bus = new MemoryBus();
    const [a, b, c] = await Promise.all(['alice', 'bob', 'carol'].map((n) => peerOn(bus, n)));
    const ch = await a!.node.createChannel('general');
    await a!.node.sendMessage(ch, 'hello from alice');
    const code = a!.node.joinCode(ch);
    await b!.node.joinChannel(code);
    await until(() => texts(b!, ch).length === 1, 'bob catches up');
    await b!.node.sendMessage(ch, 'hi, bob here');
    await c!.node.joinChannel(code);
    await until(() => texts(c!, ch).length === 2, 'carol catches up');
    await c!.node.sendMessage(ch, 'carol too');
    for (const p of [a!, b!, c!]) await until(() => texts(p, ch).length === 3, `${p.node.profile} sees all`);
    expect(texts(a!, ch)).toEqual(texts(b!, ch));
    expect(texts(b!, ch)).toEqual(texts(c!, ch));
    expect(new Set(texts(a!, ch))).toEqual(new Set(['hello from alice', 'hi, bob here', 'carol too']));
    // Names travel with the genesis inside each member binding.
    expect(a!.node.names.nameOf(b!.node.identity()!.authorityId)).toBe('bob');
    expect(c!.node.messages(ch).data.find((m) => m.text === 'hi, bob here')?.authorName).toBe('bob');
    // Peer devices are named by the person whose admitted facts they signed; a device never seen writing is not.
    expect(a!.node.names.ofDevice(b!.node.key.deviceId)).toBe('bob');
    expect(c!.node.names.ofDevice(a!.node.key.deviceId)).toBe('alice');
    expect(a!.node.names.ofDevice('12D3KooWNeverSeenWritingAnything')).toBeNull();
    // Every member now expects the others' acks for its messages.
    const own = a!.node.messages(ch).data.find((m) => m.own)!;
    expect(own.expected).toHaveLength(2);
  });

  it('a payload not sealed with the context key, or tampered with, is dropped, counted and never stored', async () => {
    const bus = new MemoryBus();
    const a = await peerOn(bus, 'alice');
    const ch = await a.node.createChannel('general');
    const { secret } = decodeJoinCode(a.node.joinCode(ch));
    const topic = contextTopic(secret);
    const foreign = new ContextChannel('ctx', seededRandom('other')(32));
    bus.inject(topic, foreign.seal([new Uint8Array([1, 2, 3])], seededRandom('n'))[0]!, 'intruder');
    const good = new ContextChannel('ctx', secret).seal([new Uint8Array([1])], seededRandom('m'))[0]!;
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1;
    bus.inject(topic, tampered, 'intruder');
    bus.inject(topic, good.subarray(0, 10), 'intruder');
    await until(() => Object.values(a.node.network().dropped).reduce((x, y) => x + y, 0) === 3, 'three drops');
    expect(a.node.network().dropped).toEqual({ 'sealed:Forged': 2, 'sealed:Truncated': 1 });
    expect((await a.node.deviceInfo()).factCount).toBe(3);
  });

  it('inside a sealed payload, an invalid fact is dropped and counted, and an impersonation is never admitted', async () => {
    const bus = new MemoryBus();
    const [a, m] = await Promise.all([peerOn(bus, 'alice'), peerOn(bus, 'mallory')]);
    const ch = await a.node.createChannel('general');
    const code = a.node.joinCode(ch);
    await m.node.joinChannel(code);
    await until(() => texts(m, ch).length === 0 && m.node.channels().data.length === 1, 'mallory joined');
    const { context, secret } = decodeJoinCode(code);
    const sealer = new ContextChannel(context, secret);
    const ns = contextNamespace(context);
    // Mallory's device signs a message claiming to be Alice.
    const forged = createFact(deviceKey('mallory-device'), { ns, kind: 'chat.message', author: a.node.identity()!.authorityId, time: { wall: 2e12, logical: 0 }, body: { channel: ch, text: 'I am alice', ack: false } });
    const badSig = forged.bytes.slice();
    badSig[20]! ^= 1;
    bus.inject(sealer.topic, sealer.seal([forged.bytes, badSig, new Uint8Array([0xff])], seededRandom('x'))[0]!, m.transport.device);
    await until(() => (a.node.network().dropped['invalid-fact:Malformed'] ?? 0) >= 1, 'malformed counted');
    expect(texts(a, ch)).not.toContain('I am alice');
    expect(Object.keys(a.node.network().dropped).some((k) => k.startsWith('invalid-fact:'))).toBe(true);
  });

  it('charge-before-send: an exhausted budget refuses the send, nothing is stored or sent, and says when it resumes', async () => {
    const bus = new MemoryBus();
    // Sync frames, acks and announcements draw on the same per-peer budget as messages, so the test spends
    // whatever is left after Bob catches up rather than assuming a count.
    const [a, b] = await Promise.all([peerOn(bus, 'alice', { flowLimit: 40 }), peerOn(bus, 'bob')]);
    const ch = await a.node.createChannel('general');
    await b.node.joinChannel(a.node.joinCode(ch));
    await until(() => a.node.statusDetails(ch)?.expected.length === 1, 'alice admits bob as a member');
    await a.node.sendMessage(ch, 'm0');
    await until(() => texts(b, ch).length === 1, 'bob catches up');
    const sentTexts = ['m0'];
    let refusal: unknown = null;
    for (let i = 1; i <= 60 && refusal === null; i++) {
      const before = (await a.node.deviceInfo()).factCount;
      const sent = a.node.network().published;
      try {
        await a.node.sendMessage(ch, `m${i}`);
        sentTexts.push(`m${i}`);
      } catch (e) {
        refusal = e;
        expect((await a.node.deviceInfo()).factCount).toBe(before);
        expect(a.node.network().published).toBe(sent);
      }
    }
    expect(refusal).toMatchObject({ code: 'InsufficientBudget', resumeAtEpoch: expect.any(Number), resumeAt: expect.any(Number) });
    expect(sentTexts.length).toBeLessThanOrEqual(40);
    await until(() => texts(b, ch).length === sentTexts.length, 'bob got every charged message');
    expect(new Set(texts(b, ch))).toEqual(new Set(sentTexts));
  });
});

describe('acknowledgments', () => {
  it("a receiver acks an ack-requesting message; the author stores the ack and shows Delivered", async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all([peerOn(bus, 'alice'), peerOn(bus, 'bob')]);
    const ch = await a.node.createChannel('general');
    await b.node.joinChannel(a.node.joinCode(ch));
    await until(() => a.node.statusDetails(ch)?.expected.length === 1, 'alice admits bob');
    const id = await a.node.sendMessage(ch, 'please ack');
    await until(() => a.node.messages(ch).data.find((m) => m.id === id)?.indicator === 'Delivered', 'Delivered');
    const details = a.node.statusDetails(id)!;
    expect(details.acks.map((x) => x.peer)).toEqual([b.node.identity()!.authorityId]);
    expect(details.expected).toEqual([b.node.identity()!.authorityId]);
    // Bob's own view of Alice's message carries no status of his: only authors track delivery.
    expect(b.node.messages(ch).data.find((m) => m.id === id)?.own).toBe(false);
  });

  it('a forged ack, or one from a non-member device, is dropped and counted', async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all([peerOn(bus, 'alice'), peerOn(bus, 'bob')]);
    const ch = await a.node.createChannel('general');
    await b.node.joinChannel(a.node.joinCode(ch));
    await until(() => a.node.statusDetails(ch)?.expected.length === 1, 'alice admits bob');
    const id = await a.node.sendMessage(ch, 'ack me');
    const { context, secret } = decodeJoinCode(a.node.joinCode(ch));
    const ns = contextNamespace(context);
    const { createAcks } = await import('../../src/core/facts/fact-ack.ts');
    const [outsider] = createAcks(deviceKey('outsider'), { ns, facts: [id], by: b.node.identity()!.authorityId, at: 1 });
    const [forged] = createAcks(deviceKey('outsider'), { ns, facts: [id], by: 'x', at: 1 });
    forged![forged!.length - 2]! ^= 1;
    const sealer = new ContextChannel(context, secret);
    bus.inject(sealer.topic, sealer.sealAcks([outsider!, forged!], seededRandom('acks'))[0]!, 'intruder');
    await until(() => (a.node.network().dropped['ack-not-member'] ?? 0) === 1 && (a.node.network().dropped['invalid-ack:BadSignature'] ?? 0) === 1, 'drops counted');
  });
});
