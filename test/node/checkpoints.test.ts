import { describe, expect, it } from 'vitest';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const indicator = (p: TestPeer, ch: string, text: string) => p.node.messages(ch).data.find((m) => m.text === text)?.indicator;

describe('channel checkpoints (◆)', () => {
  it('two members\' witnesses make a group key, endorse it, and commit a checkpoint: their messages become Finalized on both', async () => {
    const bus = new MemoryBus();
    const alice = await peerOn(bus, 'alice');
    const bob = await peerOn(bus, 'bob');
    const ch = await alice.node.createChannel('general');
    await alice.node.sendMessage(ch, 'from alice');
    await bob.node.joinChannel(alice.node.joinCode(ch));
    await until(() => bob.node.messages(ch).data.length === 1, 'bob catches up');
    await bob.node.sendMessage(ch, 'from bob');
    for (const p of [alice, bob]) {
      for (const t of ['from alice', 'from bob']) await until(() => p.node.messages(ch).data.find((m) => m.text === t) !== undefined, `${p.node.profile} has ${t}`);
    }
    // Finalized only from a verified commit: details name the consensus.
    for (const p of [alice, bob]) await until(() => p.node.messages(ch).data.every((m) => p.node.statusDetails(m.id)?.agreement.level === 'Finalized'), `${p.node.profile}: every message Finalized`, 40_000);
    expect(indicator(alice, ch, 'from alice')).toBe('Finalized');
    const id = alice.node.messages(ch).data[0]!.id;
    expect(alice.node.statusDetails(id)!.agreement).toMatchObject({ level: 'Finalized', consensusId: expect.stringMatching(/^checkpoint:/) });
    // The details say which consensus, when, and which witnesses signed (both, at 2-of-2).
    expect(alice.node.statusDetails(id)!.finality).toMatchObject({ consensusId: expect.stringMatching(/^checkpoint:/), witnesses: ['alice', 'bob'] });
    // A later message is covered by a later checkpoint.
    await alice.node.sendMessage(ch, 'later');
    for (const p of [alice, bob]) await until(() => p.node.messages(ch).data.find((m) => m.text === 'later') !== undefined && p.node.statusDetails(p.node.messages(ch).data.find((m) => m.text === 'later')!.id)?.agreement.level === 'Finalized', `${p.node.profile}: later Finalized`, 40_000);
  });

  it('a witness whose nonce announcements were lost (the proposer had no service yet) still lets the checkpoint commit', async () => {
    const bus = new MemoryBus();
    const alice = await peerOn(bus, 'alice');
    const bob = await peerOn(bus, 'bob');
    const ch = await alice.node.createChannel('general');
    await alice.node.sendMessage(ch, 'from alice');
    // Every sealed-topic payload Bob sends once he holds an endorsed witness key is lost for 3 s: his first
    // nonce announcement goes nowhere, as when it reaches a proposer whose service does not exist yet.
    const endorsed = () => bob.node.journals.namespaces().some((ns) => bob.node.journals.get(ns)!.state.agreement.witnessKeys.endorsed.length > 0);
    const t = bob.transport as unknown as { send(topic: string, payload: Uint8Array): number; rawTopics: Map<string, unknown> };
    const send = t.send.bind(t);
    let lossUntil = 0;
    t.send = (topic, payload) => {
      if (!t.rawTopics.has(topic) || !endorsed()) return send(topic, payload);
      if (lossUntil === 0) lossUntil = Date.now() + 3_000;
      return Date.now() < lossUntil ? 0 : send(topic, payload);
    };
    await bob.node.joinChannel(alice.node.joinCode(ch));
    for (const p of [alice, bob]) await until(() => p.node.messages(ch).data.find((m) => m.text === 'from alice')?.indicator === 'Finalized', `${p.node.profile}: Finalized`, 40_000);
    expect(lossUntil).toBeGreaterThan(0);
  });

  it('a one-member channel has no witness group: nothing is Finalized', async () => {
    const bus = new MemoryBus();
    const alone = await peerOn(bus, 'alone');
    const ch = await alone.node.createChannel('notes');
    await alone.node.sendMessage(ch, 'just me');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(alone.node.statusDetails(alone.node.messages(ch).data[0]!.id)!.agreement.level).toBe('Provisional');
  });
});
