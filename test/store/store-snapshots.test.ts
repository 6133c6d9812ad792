import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { contextNamespace } from '../../src/core/ids.ts';
import { openStore } from '../../src/store/store.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const room = contextNamespace('snap-room');
const w = new Writer(deviceKey('snap-ada'), 'ada', room);
const channel = w.fact('chat.channel', { name: 'general' });
const messages = Array.from({ length: 5 }, (_, i) => w.at(i).fact('chat.message', { channel: channel.id, text: `m${i}`, ack: false }));

describe('stored snapshots', () => {
  it('a snapshot replaces the older one and deletes exactly the facts it covers, with their acks, in one transaction', async () => {
    const store = await openStore('snapshots-1', { factory: new IDBFactory() });
    await store.appendFacts([channel, ...messages], { trackAcks: messages.map((m) => ({ factId: m.id, expected: ['bob'] })) });
    await store.putAcks([{ factId: messages[0]!.id, peer: 'bob', ackedAt: 1 }, { factId: messages[2]!.id, peer: 'bob', ackedAt: 2 }]);
    await store.saveSnapshot({ ns: room, epoch: 1, blobCid: 'b1', bytes: new Uint8Array([1]), pruned: 2 }, [messages[0]!.id, messages[1]!.id]);
    expect((await store.loadFacts()).map((f) => f.id).sort()).toEqual([channel, ...messages.slice(2)].map((f) => f.id).sort());
    // Their ack tracking and acks went with them; the others' stayed.
    expect([...(await store.trackedFactIds())].sort()).toEqual(messages.slice(2).map((m) => m.id).sort());
    expect((await store.allAcks()).map((a) => a.factId)).toEqual([messages[2]!.id]);
    await store.saveSnapshot({ ns: room, epoch: 2, blobCid: 'b2', bytes: new Uint8Array([2, 2]), pruned: 4 }, [messages[2]!.id, messages[3]!.id]);
    expect(await store.loadSnapshots()).toEqual([{ ns: room, epoch: 2, blobCid: 'b2', bytes: new Uint8Array([2, 2]), pruned: 4 }]);
    expect((await store.loadFacts()).map((f) => f.id).sort()).toEqual([channel.id, messages[4]!.id].sort());
    store.close();
  });

  it('a failed save deletes nothing', async () => {
    const store = await openStore('snapshots-2', { factory: new IDBFactory() });
    await store.appendFacts([channel, ...messages]);
    // A record the snapshots store cannot key (no ns) aborts the whole transaction.
    const bad = { epoch: 1, blobCid: 'b', bytes: new Uint8Array(1), pruned: 1 } as never;
    await expect(store.saveSnapshot(bad, [messages[0]!.id])).rejects.toThrow();
    expect(await store.countFacts()).toBe(6);
    expect(await store.loadSnapshots()).toEqual([]);
    store.close();
  });
});
