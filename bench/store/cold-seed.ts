import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { createFact } from '../../src/core/facts/create.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { compareHlc, hlcTick, type Hlc } from '../../src/core/facts/hlc.ts';
import { contextNamespace, type Namespace } from '../../src/core/ids.ts';
import { encodeSnapshot } from '../../src/core/snapshot/blob.ts';
import { buildSnapshot } from '../../src/core/snapshot/build.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import { browserDeps } from '../../src/node/deps.ts';
import { databaseName } from '../../src/node/profile.ts';
import { openStore } from '../../src/store/index.ts';

/**
 * Seeds a profile for the cold-start figure, on the app's own origin: a real node creates the identity
 * and one channel, then the same device key writes the rest of the facts as messages in that channel,
 * through the store in batches, a millisecond apart (with `now=1`, at the page's clock instead: a peer receiving
 * them holds back readings from the future). Query: ?profile=…&facts=…[&snapshot=1][&now=1].
 */
async function seed(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const profile = q.get('profile')!;
  const total = Number(q.get('facts'));
  const deviceSeed = crypto.getRandomValues(new Uint8Array(32));
  const setup = await openStore(databaseName(profile));
  await setup.putDeviceSeed(deviceSeed);
  const node = await AuraNode.open(browserDeps(profile, setup));
  const me = await node.createIdentity('Bench');
  const channel = await node.createChannel('general');
  const context = node.channels().data[0]!.context;
  await node.close();

  const key = deviceKeyFromSeed(deviceSeed);
  const ns = contextNamespace(context);
  let clock: Hlc = { wall: Date.now(), logical: 0 };
  const store = await openStore(databaseName(profile));
  // The node wrote the genesis, the channel and its membership; the messages make up the rest.
  for (let written = await store.countFacts(); written < total; ) {
    const batch: ValidatedFact[] = [];
    for (; batch.length < 500 && written < total; written++) {
      clock = hlcTick(clock, q.get('now') === '1' ? Date.now() : clock.wall + 1);
      batch.push(createFact(key, { ns, kind: 'chat.message', author: me.authorityId, time: clock, body: { channel, text: `message number ${written}`, ack: true } }));
    }
    await store.appendFacts(batch, { trackAcks: batch.map((f) => ({ factId: f.id, expected: [] })) });
  }
  const count = await store.countFacts();
  store.close();
  if (count !== total) throw new Error(`seeded ${count} facts, expected ${total}`);
  if (q.get('snapshot') === '1') await snapshotAndPrune(profile, ns);
  document.body.dataset.state = 'done';
}

/**
 * What a completed snapshot leaves behind, written directly (one tab has no second witness to sign it): the
 * channel's blob stored and every message it covers pruned, in the store's one transaction. Records the fact
 * bytes before and the blob + tail bytes after, and the browser's storage estimate around it.
 */
async function snapshotAndPrune(profile: string, ns: Namespace): Promise<void> {
  const store = await openStore(databaseName(profile));
  const usageBefore = (await navigator.storage.estimate()).usage ?? 0;
  const node = await AuraNode.open(browserDeps(profile, store));
  const j = node.journals.get(ns)!;
  let cut: Hlc = { wall: 0, logical: 0 };
  let bytesBefore = 0;
  for (const f of j.facts.values()) {
    bytesBefore += f.bytes.length;
    if (compareHlc(f.fact.time, cut) > 0) cut = f.fact.time;
  }
  const blob = buildSnapshot(ns, 1, cut, j.facts.values(), j.state);
  const { bytes, blobCid } = encodeSnapshot(blob);
  const prune = blob.messages.map((m) => m[0]);
  await store.saveSnapshot({ ns, epoch: 1, blobCid, bytes, pruned: prune.length }, prune);
  let tail = 0;
  for (const f of j.facts.values()) if (f.fact.kind !== 'chat.message') tail += f.bytes.length;
  await node.close();
  const usageAfter = (await navigator.storage.estimate()).usage ?? 0;
  Object.assign(document.body.dataset, { bytesBefore: String(bytesBefore), bytesAfter: String(bytes.length + tail), usageBefore: String(usageBefore), usageAfter: String(usageAfter) });
}

seed().catch((e: unknown) => {
  console.error(e);
  document.body.dataset.state = 'failed';
});
