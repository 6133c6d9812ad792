import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { ItemSet, KEY_BYTES, type SyncItem } from '../../src/core/sync/index.ts';
import { keyRuns, sortedKeys } from '../../src/core/sync/key.ts';

/** Ids whose keys often collide (few distinct first bytes), so runs of one key hold several items. */
const id = fc.tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }).map((k) => k.map((b) => b & 3)), fc.uint8Array({ minLength: 24, maxLength: 24 })).map(([k, rest]) => Uint8Array.from([...k, ...rest]));
const items = fc.array(fc.record({ time: fc.integer({ min: 1, max: 50 }), id }), { maxLength: 300 });

describe('keys of a position range', () => {
  // Short runs are sorted by insertion, long ones by radix: both must match the model at every size.
  it('keyRuns groups the items of [i, j) by key in byte order, stably, at every size', () => {
    fc.assert(
      fc.property(items, fc.nat(), fc.nat(), (raw: SyncItem[], x, y) => {
        const set = ItemSet.from(raw);
        const [i, j] = [x % (set.size + 1), y % (set.size + 1)].sort((a, b) => a - b) as [number, number];
        const ids = Array.from({ length: j - i }, (_, k) => toHex(set.at(i + k).id));
        const model = ids.map((h, k) => ({ h, k })).sort((a, b) => (a.h.slice(0, 16) < b.h.slice(0, 16) ? -1 : a.h.slice(0, 16) > b.h.slice(0, 16) ? 1 : a.k - b.k));
        const runs = keyRuns(set, i, j);
        expect(Array.from({ length: j - i }, (_, k) => toHex(runs.ids.subarray(k * 32, (k + 1) * 32)))).toEqual(model.map((m) => m.h));
        const distinct = [...new Set(model.map((m) => m.h.slice(0, 16)))];
        expect(toHex(sortedKeys(set, i, j))).toEqual(distinct.join(''));
        expect(runs.starts.length - 1).toBe(distinct.length);
        expect(sortedKeys(set, i, j).length).toBe(distinct.length * KEY_BYTES);
      }),
      { numRuns: 300 },
    );
  });
});
