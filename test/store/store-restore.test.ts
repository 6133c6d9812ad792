import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import type { ProfileImage } from '../../src/store/restore.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

let n = 0;
const fresh = (): Promise<AuraStore> => openStore(`restore-${n++}`, { factory: new IDBFactory() });
const writer = new Writer(deviceKey('restore'), 'bafyreiauthor', 'context:ctx');
const facts = [writer.fact('chat.message', { channel: 'c1', text: 'one', ack: false }), writer.fact('chat.message', { channel: 'c1', text: 'two', ack: false })];

const image = (over: Partial<ProfileImage> = {}): ProfileImage => ({
  seed: new Uint8Array(32).fill(5),
  secrets: [['ctx', new Uint8Array(32).fill(1)]],
  meta: [['identity', { authorityId: 'bafyreiauthor', displayName: 'Ada' }], ['petnames', { x: 'y' }]],
  facts,
  snapshots: [],
  ...over,
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof StoreError) return e.code;
    throw e;
  }
}

async function contentsOf(store: AuraStore) {
  return { seed: await store.getDeviceSeed(), secrets: await store.contextSecrets(), identity: await store.getMeta('identity'), facts: await store.countFacts() };
}

describe('restoreProfile', () => {
  it('writes seed (replacing the fresh one), secrets, meta and facts together', async () => {
    const store = await fresh();
    await store.putDeviceSeed(new Uint8Array(32).fill(9));
    await store.restoreProfile(image(), 'identity');
    expect(await store.getDeviceSeed()).toEqual(new Uint8Array(32).fill(5));
    expect(await store.contextSecrets()).toEqual(new Map([['ctx', new Uint8Array(32).fill(1)]]));
    expect(await store.getMeta('petnames')).toEqual({ x: 'y' });
    expect((await store.loadFacts()).map((r) => r.id).sort()).toEqual(facts.map((f) => f.id).sort());
    store.close();
  });

  it('refuses a profile with an identity or with facts (ProfileNotEmpty) and changes nothing', async () => {
    const withIdentity = await fresh();
    await withIdentity.putDeviceSeed(new Uint8Array(32).fill(9));
    await withIdentity.setMeta('identity', { authorityId: 'other', displayName: 'Bo' });
    const before = await contentsOf(withIdentity);
    expect(await codeOf(withIdentity.restoreProfile(image(), 'identity'))).toBe('ProfileNotEmpty');
    expect(await contentsOf(withIdentity)).toEqual(before);

    const withFacts = await fresh();
    await withFacts.appendFacts([facts[0]!]);
    expect(await codeOf(withFacts.restoreProfile(image({ facts: [facts[1]!] }), 'identity'))).toBe('ProfileNotEmpty');
    expect(await withFacts.countFacts()).toBe(1);
    expect(await withFacts.getMeta('identity')).toBeUndefined();
  });

  it('a write failing part-way (a value that cannot be cloned) leaves nothing of the image behind', async () => {
    const store = await fresh();
    await store.putDeviceSeed(new Uint8Array(32).fill(9));
    const before = await contentsOf(store);
    const bad = image({ meta: [['identity', { name: 'Ada' }], ['broken', { f: () => 1 }]] });
    expect(await codeOf(store.restoreProfile(bad, 'identity'))).toBe('WriteFailed');
    expect(await contentsOf(store)).toEqual(before);
    // The profile is still empty, so a good image restores after the failed one.
    await store.restoreProfile(image(), 'identity');
    expect(await store.countFacts()).toBe(2);
  });

  it('two restores racing into one profile: exactly one wins', async () => {
    const factory = new IDBFactory();
    const a = await openStore('race', { factory });
    const b = await openStore('race', { factory });
    const codes = await Promise.all([codeOf(a.restoreProfile(image(), 'identity')), codeOf(b.restoreProfile(image({ seed: new Uint8Array(32).fill(6) }), 'identity'))]);
    expect(codes.sort()).toEqual(['ProfileNotEmpty', 'ok']);
  });
});
