import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { authorityNamespace, type FactId } from '../../src/core/ids.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { eventually } from '../support/adversary.ts';
import { deviceOn, MemoryBus, peerOn, seededRandom, until } from '../support/node-net.ts';

const NEVER: readonly [number, number] = [3_600_000, 3_600_001];
const MALLORY = 'not-a-member';

/** Alice's profile on a factory the test keeps: opened again as after a reload, with or without the network. */
async function openAlice(bus: MemoryBus | null, factory: IDBFactory, run: string): Promise<{ node: AuraNode; store: AuraStore }> {
  const store = await openStore('aura-alice', { factory });
  let seed = await store.getDeviceSeed();
  if (!seed) await store.putDeviceSeed((seed = seededRandom('alice-seed')(32)));
  const random = seededRandom(`alice-${run}`);
  const transport = bus?.connect(deviceKeyFromSeed(seed).deviceId, random);
  const node = await AuraNode.open({ profile: 'alice', store, now: () => Date.now(), random, transport, syncIntervalMs: NEVER });
  return { node, store };
}

/** A summary as a doctored (or buggy) store would hold it: Mallory's ack, stamped `epoch`. */
async function doctor(store: AuraStore, factId: FactId, epoch: number): Promise<void> {
  await store.appendFacts([], { trackAcks: [{ factId, expected: [MALLORY] }] });
  await store.dropTracking([factId], [{ factId, expected: [MALLORY], acknowledgment: { ackedBy: [{ peer: MALLORY, ackedAt: 1 }] } }], epoch);
}

const summaryOf = async (store: AuraStore, id: FactId) => (await store.ackSummaries()).find((s) => s.factId === id);
const ackers = (node: AuraNode, id: FactId) => node.statusDetails(id)?.acks.map((a) => a.peer);

describe('CacheInvalidated guards the persisted ack summaries and sync reach (spec 004 §3)', () => {
  it('a stale summary is discarded and rebuilt from acks, live and at the next cold start; one stamped above the floor is kept', async () => {
    const bus = new MemoryBus();
    const factory = new IDBFactory();
    let alice = await openAlice(bus, factory, 'first');
    await alice.node.createIdentity('alice');
    const bob = await peerOn(bus, 'bob', { syncIntervalMs: NEVER });
    const bobId = bob.node.identity()!.authorityId;
    const ch = await alice.node.createChannel('shared');
    await bob.node.joinChannel(alice.node.joinCode(ch));
    await until(() => alice.node.statusDetails(ch)?.expected.length === 1, 'bob is a member');
    const [m1, m2] = [await alice.node.sendMessage(ch, 'one'), await alice.node.sendMessage(ch, 'two')];
    await until(() => [m1, m2].every((m) => alice.node.messages(ch).data.find((x) => x.id === m)?.indicator === 'Delivered'), 'Delivered');
    await alice.node.whenAckGcIdle();
    const epoch = alice.node.caches.view()!.epoch;
    expect(await summaryOf(alice.store, m1)).toMatchObject({ ackedBy: [{ peer: bobId }], epoch });

    // Doctored under the node's feet: m1 at the current epoch, m2 above any floor set now.
    await doctor(alice.store, m1, epoch);
    await doctor(alice.store, m2, epoch + 5);
    await alice.node.close();
    alice = await openAlice(bus, factory, 'second');
    // No floor yet: the persisted summaries are trusted as they are.
    expect(ackers(alice.node, m1)).toEqual([MALLORY, bobId].sort());
    expect(alice.node.caches.view()!.caches.every((c) => c.floor === null)).toBe(true);

    // Live: the fact is written, this device's reducer counts it, and the stale entry goes.
    await alice.node.caches.rebuildAll();
    await alice.node.caches.idle();
    expect(alice.node.caches.view()!.caches.map((c) => c.floor)).toEqual([epoch, epoch]);
    expect(await summaryOf(alice.store, m1)).toBeUndefined();
    expect(await alice.store.expectedAcks(m1)).toEqual([bobId]);
    expect(ackers(alice.node, m1)).toEqual([]);
    expect(await alice.store.getMeta('sync-reached')).toEqual({});
    // Stamped above the floor: kept, doctored as it is.
    expect(await summaryOf(alice.store, m2)).toMatchObject({ epoch: epoch + 5 });
    expect(ackers(alice.node, m2)).toEqual([MALLORY, bobId].sort());

    // Rebuilt from the acks Bob gives again in the next sync session, stamped just above the floor.
    await alice.node.syncNow();
    await until(() => ackers(alice.node, m1)?.join() === bobId, 'm1 acked again');
    await alice.node.whenAckGcIdle();
    expect(await summaryOf(alice.store, m1)).toMatchObject({ ackedBy: [{ peer: bobId }], expected: [bobId], epoch: epoch + 1 });
    expect(alice.node.statusDetails(m1)).toMatchObject({ expected: [bobId], acks: [{ peer: bobId }] });
    // The reach of reconciliations came back with that session, under a stamp above the floor.
    await eventually(async () => Object.keys((await alice.store.getMeta<object>('sync-reached')) ?? {}).length > 0, 'reach again');
    expect(await alice.store.getMeta('sync-reached-epoch')).toBe(epoch + 1);

    // Cold start: doctored again at the floor while the node is away; the fact is in the journal already.
    await alice.node.close();
    const raw = await openStore('aura-alice', { factory });
    await doctor(raw, m1, epoch);
    await raw.setMeta('sync-reached-epoch', epoch);
    raw.close();
    const offline = await openAlice(null, factory, 'third');
    expect(await summaryOf(offline.store, m1)).toBeUndefined();
    expect(ackers(offline.node, m1)).toEqual([]);
    expect(await offline.store.expectedAcks(m1)).toEqual([bobId]);
    expect(await summaryOf(offline.store, m2)).toMatchObject({ epoch: epoch + 5 });
    expect(offline.node.caches.view()!.caches.find((c) => c.key === 'acks/summaries')!.discarded).toBe(1);
    expect(await offline.store.getMeta('sync-reached')).toEqual({});
    await offline.node.close();
    await bob.node.close();
  }, 60_000);

  it('an upgrade activation publishes a floor at its fence: summaries computed before the fence are rebuilt, those after it kept', async () => {
    const bus = new MemoryBus();
    const { node: alice, store } = await openAlice(bus, new IDBFactory(), 'upgrade');
    await alice.createIdentity('alice');
    const bob = await peerOn(bus, 'bob', { syncIntervalMs: NEVER });
    const bobId = bob.node.identity()!.authorityId;
    const ch = await alice.createChannel('shared');
    await bob.node.joinChannel(alice.joinCode(ch));
    await until(() => alice.statusDetails(ch)?.expected.length === 1, 'bob is a member');
    const m = await alice.sendMessage(ch, 'before the upgrade');
    await until(() => ackers(alice, m)?.join() === bobId, 'acked');
    await alice.whenAckGcIdle();
    const epoch = alice.caches.view()!.epoch;
    expect(await summaryOf(store, m)).toMatchObject({ epoch });

    // The activation counts (t = 1); the device that signed it publishes every key at its fence.
    await alice.upgrades.activate(alice.upgrades.version());
    const fence = epoch + 1;
    await until(() => alice.caches.view()!.caches.every((c) => c.floor === fence), 'floor at the fence');
    await alice.caches.idle();
    expect(await summaryOf(store, m)).toBeUndefined();

    // Rebuilt before the fence: still below it, so discarded again once the epoch moves to the fence.
    await alice.syncNow();
    await until(() => ackers(alice, m)?.join() === bobId, 'acked again');
    await alice.whenAckGcIdle();
    expect(await summaryOf(store, m)).toMatchObject({ epoch });
    await alice.upgrades.rotateEpoch();
    await until(() => alice.caches.view()!.epoch === fence, 'epoch at the fence');
    await alice.caches.idle();
    expect(await summaryOf(store, m)).toBeUndefined();

    // Rebuilt at the fence: above the floor, kept; and nothing more is published.
    await alice.syncNow();
    await until(() => ackers(alice, m)?.join() === bobId, 'acked at the fence');
    await alice.whenAckGcIdle();
    expect(await summaryOf(store, m)).toMatchObject({ epoch: fence + 1 });
    const facts = [...alice.journals.get(authorityNamespace(alice.identity()!.authorityId))!.facts.values()];
    expect(facts.filter((f) => f.fact.kind === 'maint.cacheInvalidated')).toHaveLength(1);
    await alice.close();
    await bob.node.close();
  }, 60_000);

  it('"Rebuild caches on all my devices": another device of the account discards from the fact its own reducer counted', async () => {
    const bus = new MemoryBus();
    const laptop = await peerOn(bus, 'laptop');
    const phone = await deviceOn(bus, 'phone');
    const { id, code } = laptop.node.devices.addDevice();
    phone.node.devices.enrollWithCode(code!);
    const committed = (p: typeof laptop) => p.node.devices.ceremonies().find((c) => c.id === id)?.state.type === 'Committed';
    await until(() => committed(laptop) && committed(phone), 'enrolled', 30_000);
    const stale = 'bafy-phone-summary' as FactId;
    await doctor(phone.node.deps.store, stale, phone.node.caches.view()!.epoch);

    await laptop.node.caches.rebuildAll();
    const epoch = laptop.node.caches.view()!.epoch;
    await until(() => phone.node.caches.view()!.caches.every((c) => c.floor === epoch), 'the phone counts the floor');
    await phone.node.caches.idle();
    expect(await summaryOf(phone.node.deps.store, stale)).toBeUndefined();
    expect(phone.node.caches.view()!.caches.find((c) => c.key === 'acks/summaries')!.discarded).toBe(1);
    await laptop.node.close();
    await phone.node.close();
  }, 60_000);
});
