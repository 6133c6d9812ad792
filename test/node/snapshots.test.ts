import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import type { ContextId } from '../../src/core/ids.ts';
import { journalOf } from '../../src/core/ids.ts';
import { latestSnapshot } from '../../src/core/reduce/maintenance.ts';
import { encodeSnapshot } from '../../src/core/snapshot/blob.ts';
import { buildSnapshot } from '../../src/core/snapshot/build.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { draft } from '../../src/node/host/draft.ts';
import { openStore } from '../../src/store/store.ts';
import { freshProfile, PASS, TEST_KDF } from '../support/backup-world.ts';
import { MemoryBus, seededRandom, until } from '../support/node-net.ts';

const FENCE_WAIT_MS = 2_200;

/** A node whose store factory the test keeps, so it can be reopened as after a reload. */
async function member(bus: MemoryBus, name: string, extra: Partial<NodeDeps> = {}) {
  const factory = new IDBFactory();
  const random = seededRandom(name);
  const store = await openStore(`aura-${name}`, { factory });
  const seed = random(32);
  await store.putDeviceSeed(seed);
  const transport = bus.connect(deviceKeyFromSeed(seed).deviceId, random);
  const node = await AuraNode.open({ profile: name, store, now: () => Date.now(), random, transport, ...extra });
  await node.createIdentity(name);
  return { node, store, factory, transport };
}

/** Alice and Bob in one channel, 15 messages each, every one Finalized (so the witness group runs). */
async function twoMembers(extra: Partial<NodeDeps> = {}) {
  const bus = new MemoryBus();
  const alice = await member(bus, 'alice', extra);
  const bob = await member(bus, 'bob', extra);
  const ch = await alice.node.createChannel('general');
  await bob.node.joinChannel(alice.node.joinCode(ch));
  await until(() => bob.node.channels().data.some((c) => c.id === ch), 'bob holds the channel');
  for (let i = 0; i < 15; i++) {
    await alice.node.sendMessage(ch, `a${i}`);
    await bob.node.sendMessage(ch, `b${i}`);
  }
  for (const p of [alice, bob]) {
    await until(() => p.node.messages(ch).data.length === 30 && p.node.messages(ch).data.every((m) => m.indicator === 'Finalized'), `${p.node.profile}: 30 messages Finalized`, 60_000);
  }
  const context = alice.node.snapshots.list().find((c) => c.canSnapshot)!.context;
  return { bus, alice, bob, ch, context };
}

const latestOf = (node: AuraNode, context: ContextId) => node.snapshots.list().find((c) => c.context === context)?.latest ?? null;

describe('snapshots of a context (spec 004 §2)', () => {
  it('proposed, signed by both witnesses, stored and pruned on both; history and statuses stay; a reload reads snapshot + tail', async () => {
    const { alice, bob, ch, context } = await twoMembers({ backupKdf: TEST_KDF });
    const before = await alice.store.countFacts();
    await new Promise((r) => setTimeout(r, FENCE_WAIT_MS));
    await bob.node.snapshots.takeSnapshot(context);
    for (const p of [alice, bob]) await until(() => latestOf(p.node, context)?.stored != null, `${p.node.profile}: snapshot stored`, 40_000);
    const latest = latestOf(alice.node, context)!;
    expect(latest).toMatchObject({ epoch: 1, covered: 30 });
    expect(latest.stored!.pruned).toBe(30);
    // Who signed (Maintenance → Snapshots): both members' witnesses; and what the prune freed here (Maintenance → Storage).
    expect(latest.signers!.witnesses.map((w) => [w.name, w.signed]).sort()).toEqual([['alice', true], ['bob', true]]);
    await until(() => alice.node.storage.history().effects.length === 1, 'alice: the snapshot effect noted');
    const effect = alice.node.storage.history().effects[0]!;
    expect(effect).toMatchObject({ context, epoch: 1 });
    expect(effect.after.facts).toBeLessThan(effect.before.facts - 25);
    const storedMessages = async (p: typeof alice) => (await p.store.loadFacts()).filter((f) => f.kind === 'chat.message').length;
    expect(await storedMessages(alice)).toBe(0);
    expect(await storedMessages(bob)).toBe(0);
    expect(await alice.store.countFacts()).toBeLessThan(before - 25);
    // History is whole, in order, still ◆ (Finalized by the snapshot's consensus).
    const texts = alice.node.messages(ch).data.map((m) => m.text);
    expect(texts).toHaveLength(30);
    expect(alice.node.messages(ch).data.every((m) => m.indicator === 'Finalized')).toBe(true);

    // Traffic goes on, and anti-entropy does not bring pruned facts back.
    await bob.node.sendMessage(ch, 'after the snapshot');
    await until(() => alice.node.messages(ch).data.some((m) => m.text === 'after the snapshot'), 'alice gets the new message');
    await alice.node.syncNow();
    await bob.node.syncNow();
    expect(await storedMessages(alice)).toBe(1);

    // A backup carries the snapshot with the tail; restored into a fresh profile, the whole history is back.
    const file = await alice.node.backups.backup(PASS);
    const fresh = await freshProfile('alice-restored');
    await fresh.node.backups.restoreBackup(file, PASS);
    const restored = await fresh.reopen();
    expect(restored.messages(ch).data.map((m) => m.text)).toEqual([...texts, 'after the snapshot']);
    expect(await restored.deps.store.loadSnapshots()).toHaveLength(1);
    await restored.close();

    // A reload: the stored snapshot's messages, then the tail.
    await alice.node.close();
    const again = await AuraNode.open({ profile: 'alice', store: await openStore('aura-alice', { factory: alice.factory }), now: () => Date.now(), random: seededRandom('alice-again') });
    expect(again.messages(ch).data.map((m) => m.text)).toEqual([...texts, 'after the snapshot']);
    expect(again.messages(ch).data.slice(0, 30).every((m) => m.indicator === 'Finalized')).toBe(true);
    expect(latestOf(again, context)).toMatchObject({ epoch: 1, stored: { pruned: 30 } });
    await again.close();
    await bob.node.close();
  }, 120_000);

  it('a proposal whose blob leaves messages out is never signed and holds back no honest one: the first witness replaces it', async () => {
    const { alice, bob, context } = await twoMembers();
    await new Promise((r) => setTimeout(r, FENCE_WAIT_MS));
    const ns = journalOf(context);
    const j = alice.node.journals.get(ns)!;
    const cut = [...j.facts.values()].map((f) => f.fact.time).sort((a, b) => b.wall - a.wall || b.logical - a.logical)[0]!;
    // Alice's doctored blob: Bob's messages dropped from the state it claims.
    const honest = buildSnapshot(ns, 1, cut, j.facts.values(), j.state);
    const doctored = { ...honest, messages: honest.messages.filter((_, i) => i % 2 === 0) };
    const { digest, blobCid } = encodeSnapshot(doctored);
    const fact = draft(alice.node, ns, 'maint.snapshotProposed', { proposalId: 'doctored', targetEpoch: 1, digest, cut, blobCid });
    // And one naming a far epoch, which no witness can ever complete next.
    const far = draft(alice.node, ns, 'maint.snapshotProposed', { proposalId: 'far', targetEpoch: 99, digest, cut, blobCid });
    await alice.node.write({ context, facts: [fact, far], membership: alice.node.membersOf(context).view, right: 'witness', announce: true });
    await until(() => bob.node.journals.get(ns)!.state.maintenance.proposed.has('doctored'), 'bob holds the proposal');
    // Nobody signs it; at its first retry the first witness, which cannot reproduce its digest either, replaces
    // it with a proposal of its own — which completes without anyone taking one by hand.
    for (const p of [alice, bob]) await until(() => latestOf(p.node, context)?.stored != null, `${p.node.profile}: an honest snapshot stored`, 60_000);
    for (const p of [alice, bob]) {
      const maintenance = p.node.journals.get(ns)!.state.maintenance;
      expect(p.node.journals.get(ns)!.state.agreement.commits.has('snapshot:doctored')).toBe(false);
      expect(latestSnapshot(maintenance)!.snapshot.blobCid).not.toBe(blobCid);
      expect(latestSnapshot(maintenance)!.proposalId).not.toBe('doctored');
    }
    expect(latestOf(alice.node, context)!.covered).toBe(30);
    await alice.node.close();
    await bob.node.close();
  }, 120_000);

  it('the first witness proposes one by itself once a context holds snapshotEvery messages above the latest', async () => {
    const { alice, bob, context } = await twoMembers({ snapshotEvery: 20 });
    for (const p of [alice, bob]) await until(() => latestOf(p.node, context)?.stored != null, `${p.node.profile}: automatic snapshot stored`, 60_000);
    expect(latestOf(alice.node, context)!.covered).toBeGreaterThanOrEqual(20);
    await alice.node.close();
    await bob.node.close();
  }, 120_000);

  it('a member who joins after the prune gets snapshot + tail: whole history, ◆, only the tail as facts; a doctored blob is refused', async () => {
    const { bus, alice, bob, ch, context } = await twoMembers();
    const ns = journalOf(context);
    await new Promise((r) => setTimeout(r, FENCE_WAIT_MS));
    await alice.node.snapshots.takeSnapshot(context);
    for (const p of [alice, bob]) await until(() => latestOf(p.node, context)?.stored != null, `${p.node.profile}: snapshot stored`, 40_000);
    await bob.node.sendMessage(ch, 'after the snapshot');
    // Both members serve doctored bytes under the snapshot's CID (their stores tampered with).
    const good = (await alice.store.loadSnapshots())[0]!;
    const doctored = { ...good, bytes: Uint8Array.from(good.bytes, (b, i) => (i === good.bytes.length - 9 ? b ^ 1 : b)) };
    for (const p of [alice, bob]) await p.store.saveSnapshot(doctored, []);

    const carol = await member(bus, 'carol');
    await carol.node.joinChannel(alice.node.joinCode(ch));
    const dropped = (reason: string) => carol.node.network().dropped[reason] ?? 0;
    await until(() => dropped('snapshot:BadDigest') >= 1, 'carol refuses the doctored blob', 40_000);
    expect(await carol.store.loadSnapshots()).toEqual([]);
    expect(carol.node.messages(ch).data.map((m) => m.text)).toEqual(['after the snapshot']);

    // Bob's store is mended: carol fetches the witnesses' blob from him.
    await bob.store.saveSnapshot(good, []);
    await until(() => carol.node.messages(ch).data.length === 31, 'carol holds the whole history', 60_000);
    const texts = alice.node.messages(ch).data.map((m) => m.text);
    expect(carol.node.messages(ch).data.map((m) => m.text)).toEqual(texts);
    expect(carol.node.messages(ch).data.slice(0, 30).every((m) => m.indicator === 'Finalized')).toBe(true);
    const stored = await carol.store.loadSnapshots();
    expect(stored.map((r) => [r.ns, r.blobCid])).toEqual([[ns, good.blobCid]]);
    // Only the tail came as facts: the 30 compacted messages never crossed as facts.
    expect((await carol.store.loadFacts()).filter((f) => f.kind === 'chat.message')).toHaveLength(1);
    expect(carol.node.snapshots.list().find((c) => c.context === context)?.latest).toMatchObject({ epoch: 1, covered: 30 });

    // A reload reads carol's snapshot + tail.
    await carol.node.close();
    const again = await AuraNode.open({ profile: 'carol', store: await openStore('aura-carol', { factory: carol.factory }), now: () => Date.now(), random: seededRandom('carol-again') });
    expect(again.messages(ch).data.map((m) => m.text)).toEqual(texts);
    await again.close();
    await alice.node.close();
    await bob.node.close();
  }, 180_000);

  it('a context with one member has no witnesses: a snapshot is refused typed', async () => {
    const bus = new MemoryBus();
    const alone = await member(bus, 'alone');
    await alone.node.createChannel('notes');
    const context = alone.node.snapshots.list()[0]!.context;
    expect(alone.node.snapshots.list()[0]!.canSnapshot).toBe(false);
    await expect(alone.node.snapshots.takeSnapshot(context)).rejects.toMatchObject({ code: 'NoWitnessGroup' });
    await alone.node.close();
  });
});
