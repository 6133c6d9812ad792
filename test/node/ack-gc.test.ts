import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { createAcks } from '../../src/core/facts/fact-ack.ts';
import { decodeJoinCode } from '../../src/core/facts/join-code.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import { initialConsistency } from '../../src/core/consistency/consistency.ts';
import { standardPolicyRegistry } from '../../src/core/consistency/delivery-policy.ts';
import { OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import { AckGcRunner, type AckGcInputs, type AckGcStore } from '../../src/node/acks/ack-gc-runner.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { MemoryBus, peerOn, seededRandom, until, type TestPeer } from '../support/node-net.ts';

const NEVER: readonly [number, number] = [3_600_000, 3_600_001];
const device = (p: TestPeer) => p.transport.device;
const authority = (p: TestPeer) => p.node.identity()!.authorityId;
const indicatorOf = (node: AuraNode, ch: string, id: FactId) => node.messages(ch).data.find((m) => m.id === id)?.indicator;

/** Alice on a store the test can read too (same database, same device key as `peerOn` would give her). */
async function aliceWithStore(bus: MemoryBus): Promise<{ alice: TestPeer; store: AuraStore; factory: IDBFactory }> {
  const factory = new IDBFactory();
  const store = await openStore('aura-alice', { factory });
  await store.putDeviceSeed(seededRandom('alice')(32));
  const alice = await peerOn(bus, 'alice', { store, syncIntervalMs: NEVER });
  return { alice, store, factory };
}

/** A channel every peer has joined, each knowing every member. */
async function sharedChannel(peers: TestPeer[]): Promise<string> {
  const [first, ...rest] = peers;
  const ch = await first!.node.createChannel('shared');
  const code = first!.node.joinCode(ch);
  for (const p of rest) await p.node.joinChannel(code);
  for (const p of peers) await until(() => p.node.statusDetails(ch)?.expected.length === peers.length - 1, 'members known');
  return ch;
}

async function threeMembers() {
  const bus = new MemoryBus();
  const { alice, store, factory } = await aliceWithStore(bus);
  const [bob, carol] = await Promise.all(['bob', 'carol'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
  const ch = await sharedChannel([alice, bob!, carol!]);
  return { bus, alice, bob: bob!, carol: carol!, store, factory, ch };
}

describe('ack GC in the node', () => {
  it('a message acked by every other member loses its tracking, stays Delivered, and stays Delivered after a restart', async () => {
    const { alice, bob, carol, store, factory, ch } = await threeMembers();
    const id = await alice.node.sendMessage(ch, 'ack me, both of you');
    expect(await store.trackedFactIds()).toContain(id);
    await until(() => indicatorOf(alice.node, ch, id) === 'Delivered', 'Delivered');
    await alice.node.whenAckGcIdle();

    const others = [authority(bob), authority(carol)].sort();
    expect(await store.trackedFactIds()).not.toContain(id);
    expect((await store.allAcks()).filter((a) => a.factId === id)).toEqual([]);
    const summary = (await store.ackSummaries()).find((s) => s.factId === id);
    expect(summary?.expected).toEqual(others);
    expect(summary?.ackedBy.map((a) => a.peer)).toEqual(others);

    expect(indicatorOf(alice.node, ch, id)).toBe('Delivered');
    const before = alice.node.statusDetails(id)!;
    expect(before.acks.map((a) => a.peer)).toEqual(others);
    expect(before.acks).toEqual(summary?.ackedBy);
    expect(before.expected).toEqual(others);

    await alice.node.close();
    const again = await AuraNode.open({ profile: 'alice', store: await openStore('aura-alice', { factory }), now: () => Date.now(), random: seededRandom('alice-again') });
    expect(indicatorOf(again, ch, id)).toBe('Delivered');
    expect(again.statusDetails(id)).toMatchObject({ acks: before.acks, expected: others });
    expect(again.messages(ch).consistency.ackedBy(id)).toEqual(before.acks);
    await again.whenAckGcIdle();
    await again.close();
    const reopened = await openStore('aura-alice', { factory });
    expect(await reopened.trackedFactIds()).not.toContain(id);
    reopened.close();
  });

  it('a message acked by only some members keeps its tracking and acks until the last one acks', async () => {
    const { bus, alice, bob, carol, store, ch } = await threeMembers();
    bus.partition(device(alice), device(carol));
    bus.partition(device(bob), device(carol));
    const id = await alice.node.sendMessage(ch, 'carol is away');
    await until(() => alice.node.statusDetails(id)?.acks.length === 1, "bob's ack");
    await alice.node.whenAckGcIdle();
    expect(await store.trackedFactIds()).toContain(id);
    expect((await store.allAcks()).filter((a) => a.factId === id).map((a) => a.peer)).toEqual([authority(bob)]);
    expect((await store.ackSummaries()).map((s) => s.factId)).not.toContain(id);
    expect(indicatorOf(alice.node, ch, id)).not.toBe('Delivered');

    // Carol's device acks at last (as it would once it has the message), straight over the context topic.
    bus.partition(device(alice), device(carol), false);
    const { context, secret } = decodeJoinCode(alice.node.joinCode(ch));
    const sealer = new ContextChannel(context, secret);
    const carolKey = deviceKeyFromSeed(seededRandom('carol')(32));
    const late = createAcks(carolKey, { ns: contextNamespace(context), facts: [id], by: authority(carol), at: Date.now() });
    bus.inject(sealer.topic, sealer.sealAcks(late, seededRandom('late'))[0]!, device(carol));
    await until(() => indicatorOf(alice.node, ch, id) === 'Delivered', 'Delivered once carol acks');
    await alice.node.whenAckGcIdle();
    expect(await store.trackedFactIds()).not.toContain(id);
    expect((await store.ackSummaries()).map((s) => s.factId)).toContain(id);
  });

  it('a member who joins after a message settled does not take its Delivered away, and its late ack is not kept', async () => {
    const bus = new MemoryBus();
    const { alice, store } = await aliceWithStore(bus);
    const bob = await peerOn(bus, 'bob', { syncIntervalMs: NEVER });
    const ch = await sharedChannel([alice, bob]);
    const id = await alice.node.sendMessage(ch, 'before dave');
    // Delivered, or past it: the checkpoint witnesses may finalize it meanwhile on a slow machine.
    const delivered = () => ['Delivered', 'Finalized'].includes(indicatorOf(alice.node, ch, id)!);
    await until(delivered, 'Delivered');
    await alice.node.whenAckGcIdle();
    expect(await store.trackedFactIds()).not.toContain(id);

    const dave = await peerOn(bus, 'dave', { syncIntervalMs: NEVER });
    await dave.node.joinChannel(alice.node.joinCode(ch));
    await until(() => dave.node.messages(ch).data.some((m) => m.id === id), 'dave has the message');
    await until(() => alice.node.statusDetails(ch)?.expected.length === 2, 'alice knows dave');
    // Dave acks on receipt; a later message proves his acks reach Alice.
    const probe = await alice.node.sendMessage(ch, 'after dave');
    await until(() => alice.node.statusDetails(probe)?.acks.length === 2, 'both ack the later message');
    await alice.node.whenAckGcIdle();
    expect(delivered()).toBe(true);
    expect(alice.node.statusDetails(id)).toMatchObject({ expected: [authority(bob)] });
    expect(alice.node.statusDetails(id)!.acks.map((a) => a.peer)).toEqual([authority(bob)]);
    expect(await store.trackedFactIds()).not.toContain(id);
    expect((await store.allAcks()).filter((a) => a.factId === id)).toEqual([]);
  });
});

describe('a failing ack GC', () => {
  const proto = globalThis.IDBObjectStore.prototype;
  const originalPut = proto.put;
  afterEach(() => {
    proto.put = originalPut;
  });

  it('is counted as a drop, never breaks receiving, and the fact is settled by the next start', async () => {
    const { alice, bob, carol, store, factory, ch } = await threeMembers();
    // The first summary write is aborted by the database, as a quota or a dying tab would.
    let failures = 1;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = originalPut.apply(this, args);
      if (this.name === 'ackSummaries' && failures-- > 0) request.addEventListener('success', () => this.transaction.abort());
      return request;
    };
    const first = await alice.node.sendMessage(ch, 'first');
    await until(() => indicatorOf(alice.node, ch, first) === 'Delivered', 'first Delivered');
    await alice.node.whenAckGcIdle();
    expect(alice.node.network().dropped['ack-gc:WriteFailed']).toBe(1);
    expect(await store.trackedFactIds()).toContain(first);
    expect(await store.ackSummaries()).toEqual([]);
    expect(indicatorOf(alice.node, ch, first)).toBe('Delivered');

    // Receiving goes on: facts, acks, and the next GC run.
    await bob.node.sendMessage(ch, 'from bob');
    await until(() => alice.node.messages(ch).data.some((m) => m.text === 'from bob'), 'bob’s message arrives');
    const second = await alice.node.sendMessage(ch, 'second');
    await until(() => indicatorOf(alice.node, ch, second) === 'Delivered', 'second Delivered');
    await alice.node.whenAckGcIdle();
    expect(await store.trackedFactIds()).not.toContain(second);
    expect(await store.trackedFactIds()).toContain(first);
    expect(carol.node.messages(ch).data.map((m) => m.text)).toContain('second');

    await alice.node.close();
    const again = await AuraNode.open({ profile: 'alice', store: await openStore('aura-alice', { factory }), now: () => Date.now(), random: seededRandom('alice-again') });
    await again.whenAckGcIdle();
    expect(indicatorOf(again, ch, first)).toBe('Delivered');
    await again.close();
    const reopened = await openStore('aura-alice', { factory });
    expect(await reopened.trackedFactIds()).toEqual([]);
    expect((await reopened.ackSummaries()).map((s) => s.factId).sort()).toEqual([first, second].sort());
    reopened.close();
  });
});

describe('AckGcRunner', () => {
  const ns = contextNamespace('runner');
  const w = new Writer(deviceKey('alice'), 'alice', ns);
  const channel = w.fact('chat.channel', { name: 'general' });
  const msgs = Array.from({ length: 6 }, (_, i) => w.fact('chat.message', { channel: channel.id, text: `m${i}`, ack: true }));
  const byId = new Map<FactId, ValidatedFact>(msgs.map((f) => [f.id, f]));
  const inputs = (): AckGcInputs => ({
    ctx: { membersOf: () => ['alice', 'bob'] },
    lookup: (id) => {
      const fact = byId.get(id);
      return fact && { fact, consistency: { ...initialConsistency(OPTIMISTIC, true), acknowledgment: null } };
    },
  });

  /** The real store, with every GC call observed: how many run at once, and how many reads a burst costs. */
  async function observedStore(name: string) {
    const store = await openStore(name, { factory: new IDBFactory() });
    await store.appendFacts([channel, ...msgs], { trackAcks: msgs.map((f) => ({ factId: f.id, expected: ['bob'] })) });
    const seen = { active: 0, maxActive: 0, reads: [] as FactId[][], failNext: 0, whileReading: (): void => undefined };
    const during = async <T>(op: () => Promise<T>): Promise<T> => {
      seen.maxActive = Math.max(seen.maxActive, ++seen.active);
      try {
        await new Promise((r) => setTimeout(r, 30));
        return await op();
      } finally {
        seen.active--;
      }
    };
    const gcStore: AckGcStore = {
      trackedAcknowledgments: (ids) => during(() => {
        seen.reads.push([...ids]);
        seen.whileReading();
        return store.trackedAcknowledgments(ids);
      }),
      dropTracking: (ids, settled) => during(() => (seen.failNext-- > 0 ? Promise.reject(new Error('disk on fire')) : store.dropTracking(ids, settled))),
    };
    return { store, gcStore, seen };
  }

  it('coalesces a burst into one run, never runs two at once, and takes what arrives meanwhile into the next run', async () => {
    const { store, gcStore, seen } = await observedStore('runner-burst');
    await store.putAcks(msgs.map((f, i) => ({ factId: f.id, peer: 'bob', ackedAt: i })));
    const settled: FactId[] = [];
    const runner = new AckGcRunner({ store: gcStore, registry: standardPolicyRegistry(), inputs, onSettled: (s) => settled.push(...s.map((x) => x.factId)), onError: (e) => { throw e; }, coalesceMs: 10 });
    seen.whileReading = () => {
      seen.whileReading = () => undefined;
      for (const f of msgs.slice(3)) runner.schedule([f.id, f.id]);
    };
    for (const f of msgs.slice(0, 3)) runner.schedule([f.id]);
    await runner.idle();
    expect(seen.reads.map((r) => r.length)).toEqual([3, 3]);
    expect(seen.maxActive).toBe(1);
    expect(settled.sort()).toEqual(msgs.map((f) => f.id).sort());
    expect(await store.trackedFactIds()).toEqual([]);
    store.close();
  });

  it('a failed run is reported and changes nothing; later runs work; stop skips the wait and schedules nothing more', async () => {
    const { store, gcStore, seen } = await observedStore('runner-fail');
    await store.putAcks(msgs.map((f, i) => ({ factId: f.id, peer: 'bob', ackedAt: i })));
    const errors: unknown[] = [];
    const runner = new AckGcRunner({ store: gcStore, registry: standardPolicyRegistry(), inputs, onSettled: () => undefined, onError: (e) => errors.push(e), coalesceMs: 10 });
    seen.failNext = 1;
    runner.schedule([msgs[0]!.id]);
    await runner.idle();
    expect(errors).toHaveLength(1);
    expect(await store.trackedFactIds()).toContain(msgs[0]!.id);
    runner.schedule([msgs[0]!.id]);
    await runner.idle();
    expect(await store.trackedFactIds()).not.toContain(msgs[0]!.id);

    // A long coalescing wait: stop must not sit it out, nor run what was scheduled.
    const slow = new AckGcRunner({ store: gcStore, registry: standardPolicyRegistry(), inputs, onSettled: () => undefined, onError: (e) => errors.push(e), coalesceMs: 60_000 });
    slow.schedule([msgs[1]!.id]);
    const started = Date.now();
    await slow.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    slow.schedule([msgs[2]!.id]);
    await slow.idle();
    expect(seen.reads).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(await store.trackedFactIds()).toContain(msgs[1]!.id);
    store.close();
  });
});
