import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../src/core/compare.ts';
import { cidOf } from '../../src/core/encoding/cid.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { boundBetween, itemBelow, type Bound } from '../../src/core/sync/bound.ts';
import { ItemSet, factIdOf, syncItemOf, type SyncItem } from '../../src/core/sync/index.ts';
import { compareItems } from '../../src/core/sync/item.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

/** Item k: a real sha2-256 digest; times from a small range so equal timestamps are common. */
const item = (k: number, time: number): SyncItem => ({ time, id: sha256(new TextEncoder().encode(`item-${k}`)) });
const itemsArb = fc
  .uniqueArray(fc.tuple(fc.nat(5000), fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_040 })), {
    selector: ([k]) => k,
    maxLength: 700,
  })
  .map((ks) => ks.map(([k, t]) => item(k, t)));

/** The definition, computed independently with BigInt: count, and Σ keys (ids' first 8 bytes, LE) mod 2^64. */
function referenceCell(items: readonly SyncItem[]): { count: number; sum: Uint8Array } {
  let sum = 0n;
  for (const { id } of items) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(id[b]!);
    sum = (sum + v) % (1n << 64n);
  }
  const bytes: number[] = [];
  for (let b = 0; b < 8; b++) bytes.push(Number((sum >> BigInt(8 * b)) & 0xffn));
  return { count: items.length, sum: Uint8Array.from(bytes) };
}

function model(items: readonly SyncItem[]): SyncItem[] {
  return [...items].sort(compareItems);
}

describe('ItemSet', () => {
  it('matches a sorted-array model: size, order, rank, cells of ranges (built at once or item by item)', () => {
    fc.assert(
      fc.property(itemsArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 20 }), (items, cuts) => {
        const sorted = model(items);
        const built = ItemSet.from(items);
        const grown = new ItemSet();
        for (const it of items) expect(grown.insert(it)).toBe(true);
        for (const set of [built, grown]) {
          expect(set.size).toBe(sorted.length);
          expect(set.slice(0, set.size).map((x) => [x.time, Buffer.from(x.id).toString('hex')])).toEqual(
            sorted.map((x) => [x.time, Buffer.from(x.id).toString('hex')]),
          );
          for (const [x, y] of cuts) {
            const i = sorted.length === 0 ? 0 : x % (sorted.length + 1);
            const j = sorted.length === 0 ? 0 : i + (y % (sorted.length - i + 1));
            expect(set.cell(i, j)).toEqual(referenceCell(sorted.slice(i, j)));
            if (i > 0 && i < sorted.length && compareItems(sorted[i - 1]!, sorted[i]!) < 0) {
              const b = boundBetween(sorted[i - 1]!, sorted[i]!);
              expect(set.rank(b)).toBe(i);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ranks every bound as the number of items below it', () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 1_700_000_000_000 - 1, max: 1_700_000_000_041 }), fc.uint8Array({ maxLength: 3 }), (items, time, prefix) => {
        const b: Bound = { time, prefix };
        expect(ItemSet.from(items).rank(b)).toBe(items.filter((x) => itemBelow(x, b)).length);
      }),
      { numRuns: 300 },
    );
  });

  it('bounds between neighbours are the shortest that separate them', () => {
    fc.assert(
      fc.property(itemsArb, (items) => {
        const sorted = model(items);
        for (let k = 1; k < sorted.length; k++) {
          const [a, b] = [sorted[k - 1]!, sorted[k]!];
          const bound = boundBetween(a, b);
          expect(itemBelow(a, bound)).toBe(true);
          expect(itemBelow(b, bound)).toBe(false);
          if (bound.prefix.length > 0) {
            const shorter = { time: bound.time, prefix: bound.prefix.subarray(0, bound.prefix.length - 1) };
            expect(itemBelow(a, shorter)).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stores an id once: insert reports duplicates, whatever time comes with them', () => {
    const set = ItemSet.from([item(1, 10), item(2, 20), item(1, 30)]);
    expect(set.size).toBe(2);
    expect(set.timeOf(item(1, 0).id)).toBe(10);
    expect(set.insert(item(2, 5))).toBe(false);
    expect(set.insert(item(3, 5))).toBe(true);
    expect(set.has(item(3, 0).id)).toBe(true);
    expect(set.has(item(4, 0).id)).toBe(false);
    expect(set.size).toBe(3);
  });

  it('finds ids that share their first bytes (the index keys on 4 bytes)', () => {
    const ids = Array.from({ length: 300 }, (_, k) => {
      const id = sha256(new TextEncoder().encode(`collide-${k}`));
      id.set([7, 7, 7, 7], 0);
      return { time: k % 3, id };
    });
    const set = ItemSet.from(ids.slice(0, 200));
    for (const x of ids.slice(200)) expect(set.insert(x)).toBe(true);
    for (const x of ids) expect(set.timeOf(x.id)).toBe(x.time);
    const absent = ids[0]!.id.slice();
    absent[31]! ^= 1;
    expect(set.has(absent)).toBe(false);
  });

  it('keeps cells right across chunk splits when items arrive one by one', () => {
    const items = Array.from({ length: 3000 }, (_, k) => item(k, 1000 + ((k * 7919) % 1500)));
    const set = new ItemSet();
    items.forEach((x) => set.insert(x));
    const sorted = model(items);
    for (const [i, j] of [[0, 3000], [0, 1], [257, 1999], [1500, 1500], [2999, 3000]] as const) {
      expect(set.cell(i, j)).toEqual(referenceCell(sorted.slice(i, j)));
    }
  });

  it('finds ids by key, in a range and anywhere, including ids that share a key', () => {
    const items = Array.from({ length: 2000 }, (_, k) => item(k, 1000 + (k % 300)));
    const twin = { time: 1100, id: items[5]!.id.slice() };
    twin.id[31]! ^= 0xff; // same key (first 8 bytes), another id
    const set = ItemSet.from([...items, twin]);
    const key = items[5]!.id.subarray(0, 8);
    const hex = (ids: Uint8Array[]) => ids.map((id) => Buffer.from(id).toString('hex')).sort();
    expect(hex(set.idsWithKey(key))).toEqual(hex([items[5]!.id, twin.id]));
    expect(hex(set.idsWithKeyIn(0, set.size, key))).toEqual(hex([items[5]!.id, twin.id]));
    const at = set.rank({ time: items[5]!.time, prefix: new Uint8Array(0) });
    expect(hex(set.idsWithKeyIn(at, set.rank({ time: items[5]!.time + 1, prefix: new Uint8Array(0) }), key))).toEqual(hex([items[5]!.id]));
    expect(set.idsWithKeyIn(0, at, key)).toEqual([]);
    expect(set.idsWithKey(new Uint8Array(8))).toEqual([]);
    expect(set.idsWithKey(new Uint8Array(7))).toEqual([]);
  });

  it('refuses items that are not (safe integer time, 32-byte id)', () => {
    expect(() => ItemSet.from([{ time: -1, id: new Uint8Array(32) }])).toThrow(RangeError);
    expect(() => ItemSet.from([{ time: 1.5, id: new Uint8Array(32) }])).toThrow(RangeError);
    expect(() => new ItemSet().insert({ time: 1, id: new Uint8Array(31) })).toThrow(RangeError);
  });
});

describe('sync items of facts', () => {
  it('take the sha2-256 digest inside the FactId and the HLC wall time, and map back to the same FactId', () => {
    const w = new Writer(deviceKey('sync'), 'author-sync', contextNamespace('sync-items'));
    for (let k = 0; k < 20; k++) {
      const vf = w.fact('chat.channel', { name: `c${k}` });
      const it = syncItemOf(vf.id, vf.fact.time.wall);
      expect(it.time).toBe(vf.fact.time.wall);
      expect(it.id).toEqual(sha256(vf.bytes));
      expect(factIdOf(it.id)).toBe(vf.id);
      expect(factIdOf(it.id)).toBe(cidOf(vf.bytes));
    }
  });

  it('refuse ids that are not CIDv1 dag-cbor sha2-256', () => {
    expect(() => syncItemOf('bafkqaaa', 1)).toThrow(RangeError); // identity multihash, raw codec
    expect(() => factIdOf(new Uint8Array(31))).toThrow(RangeError);
  });

  it('orders ids bytewise after time', () => {
    const [a, b] = [item(1, 5), item(2, 5)].sort(compareItems);
    expect(compareBytes(a!.id, b!.id)).toBeLessThan(0);
  });
});
