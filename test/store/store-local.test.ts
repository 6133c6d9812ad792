import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import type { PeerRecord } from '../../src/store/peers.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';

let n = 0;
const fresh = (): Promise<AuraStore> => openStore(`local-${n++}`, { factory: new IDBFactory() });

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('keys', () => {
  it('the device seed is written once per profile and survives reopening', async () => {
    const factory = new IDBFactory();
    const store = await openStore('seed', { factory });
    expect(await store.getDeviceSeed()).toBeUndefined();
    const seed = new Uint8Array(32).map((_, i) => i);
    await store.putDeviceSeed(seed);
    const e = await failure(store.putDeviceSeed(new Uint8Array(32).fill(9)));
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe('SeedExists');
    store.close();
    const again = await openStore('seed', { factory });
    expect(await again.getDeviceSeed()).toEqual(seed);
    again.close();
  });

  it('a seed of the wrong length is a caller bug (RangeError), and nothing is stored', async () => {
    const store = await fresh();
    expect(await failure(store.putDeviceSeed(new Uint8Array(31)))).toBeInstanceOf(RangeError);
    expect(await store.getDeviceSeed()).toBeUndefined();
    store.close();
  });

  it('stores a copy of exactly the seed bytes, not the buffer around a view', async () => {
    const store = await fresh();
    const pool = new Uint8Array(100).fill(3);
    await store.putDeviceSeed(pool.subarray(10, 42));
    const seed = (await store.getDeviceSeed())!;
    expect(seed).toEqual(new Uint8Array(32).fill(3));
    expect(seed.buffer.byteLength).toBe(32);
    store.close();
  });

  it('context secrets are kept per context and listed together, apart from the device seed', async () => {
    const store = await fresh();
    await store.putDeviceSeed(new Uint8Array(32));
    await store.putContextSecret('b', new Uint8Array([2]));
    await store.putContextSecret('a', new Uint8Array([1]));
    await store.putContextSecret('b', new Uint8Array([3]));
    expect(await store.contextSecrets()).toEqual(
      new Map([
        ['a', new Uint8Array([1])],
        ['b', new Uint8Array([3])],
      ]),
    );
    store.close();
  });
});

describe('meta and peers', () => {
  it('meta values round-trip by key; a value that cannot be stored is WriteFailed', async () => {
    const store = await fresh();
    expect(await store.getMeta('profile')).toBeUndefined();
    await store.setMeta('profile', { name: 'Ada', n: 1 });
    expect(await store.getMeta<{ name: string }>('profile')).toEqual({ name: 'Ada', n: 1 });
    const e = await failure(store.setMeta('bad', Symbol('x')));
    expect((e as StoreError).code).toBe('WriteFailed');
    expect(await store.getMeta('bad')).toBeUndefined();
    store.close();
  });

  it('peers are upserted by DeviceId and listed in DeviceId order', async () => {
    const store = await fresh();
    const p = (deviceId: string, lastSeen: number): PeerRecord => ({ deviceId, lastSeen, trust: 50, successfulSyncs: 1, failedSyncs: 0 });
    await store.putPeer(p('z', 1));
    await store.putPeer({ ...p('a', 2), authorityId: 'auth' });
    await store.putPeer(p('z', 3));
    expect(await store.listPeers()).toEqual([{ ...p('a', 2), authorityId: 'auth' }, p('z', 3)]);
    store.close();
  });
});

describe('estimate', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is null without navigator.storage', async () => {
    vi.stubGlobal('navigator', {});
    const store = await fresh();
    expect(await store.estimate()).toBeNull();
    store.close();
  });

  it('reports usage and quota from navigator.storage.estimate, null if it fails', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 10, quota: 1000, usageDetails: {} }) } });
    const store = await fresh();
    expect(await store.estimate()).toEqual({ usage: 10, quota: 1000 });
    vi.stubGlobal('navigator', { storage: { estimate: async () => Promise.reject(new DOMException('no', 'SecurityError')) } });
    expect(await store.estimate()).toBeNull();
    store.close();
  });
});
