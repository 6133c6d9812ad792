import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { AuraNode } from '../../src/node/aura-node.ts';
import type { StorageSample } from '../../src/node/api-maintenance.ts';
import { MAX_STORAGE_SAMPLES, parseStorageHistory, STORAGE_HISTORY_META, StorageRing } from '../../src/node/maintenance/storage-ring.ts';
import { openStore } from '../../src/store/store.ts';
import { seededRandom } from '../support/node-net.ts';

const sampleAt = (at: number): StorageSample => ({ at, usage: at * 1000, quota: 1e9, facts: at, snapshotBytes: 0 });
const effect = { context: 'ctx-1', epoch: 1, before: { at: 1, facts: 40, usage: 5000 }, after: { at: 2, facts: 10, usage: 3000 } };

describe('the storage history ring (Maintenance → Storage)', () => {
  it('keeps only the last MAX_STORAGE_SAMPLES samples, oldest first, and a reopened store reads them back', async () => {
    const factory = new IDBFactory();
    const store = await openStore('aura-ring', { factory });
    const ring = new StorageRing(store);
    await ring.load();
    for (let i = 1; i <= MAX_STORAGE_SAMPLES + 12; i++) await ring.push(sampleAt(i));
    await ring.noteEffect(effect as never);
    const samples = ring.read().samples;
    expect(samples).toHaveLength(MAX_STORAGE_SAMPLES);
    expect(samples[0]!.at).toBe(13);
    expect(samples.at(-1)!.at).toBe(MAX_STORAGE_SAMPLES + 12);
    store.close();

    // A reload: the same database opened again.
    const again = new StorageRing(await openStore('aura-ring', { factory }));
    await again.load();
    expect(again.read().samples).toEqual(samples);
    expect(again.read().effects).toEqual([effect]);
  });

  it('a hostile or garbage record is ignored entry by entry, never a crash', () => {
    for (const garbage of [undefined, null, 42, 'x', [], { v: 2, samples: [], effects: [] }, { v: 1, samples: 'no', effects: [] }, { v: 1, samples: [], effects: {} }]) {
      expect(parseStorageHistory(garbage)).toEqual({ samples: [], effects: [] });
    }
    const mixed = {
      v: 1,
      samples: [sampleAt(1), { at: -1, usage: 0, quota: 0, facts: 0, snapshotBytes: 0 }, { ...sampleAt(2), usage: 'lots' }, { ...sampleAt(3), facts: Infinity }, null, sampleAt(4), { ...sampleAt(5), usage: null, quota: null }],
      effects: [effect, { ...effect, before: null }, { ...effect, context: 7 }, { ...effect, epoch: 1.5 }],
    };
    const parsed = parseStorageHistory(mixed);
    expect(parsed.samples.map((s) => s.at)).toEqual([1, 4, 5]);
    expect(parsed.effects).toEqual([effect]);
    // An oversized record costs at most the ring's bound.
    expect(parseStorageHistory({ v: 1, samples: Array.from({ length: 10_000 }, (_, i) => sampleAt(i)), effects: [] }).samples).toHaveLength(MAX_STORAGE_SAMPLES);
  });

  it('the node loads the saved history when a profile opens, and opens with a garbage record (empty history)', async () => {
    const factory = new IDBFactory();
    const open = async (name: string) => AuraNode.open({ profile: name, store: await openStore(`aura-${name}`, { factory }), now: () => Date.now(), random: seededRandom(name) });
    const seed = await openStore('aura-kept', { factory });
    await seed.setMeta(STORAGE_HISTORY_META, { v: 1, samples: [sampleAt(1), sampleAt(2)], effects: [effect] });
    seed.close();
    const kept = await open('kept');
    expect(kept.storage.history()).toEqual({ samples: [sampleAt(1), sampleAt(2)], effects: [effect] });
    await kept.close();

    const bad = await openStore('aura-bad', { factory });
    await bad.setMeta(STORAGE_HISTORY_META, { v: 1, samples: [{ at: { toString: 'boom' } }], effects: 'nope' });
    bad.close();
    const node = await open('bad');
    expect(node.storage.history()).toEqual({ samples: [], effects: [] });
    await node.close();
  });
});
