import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { StoreError, toStoreError } from '../../src/store/errors.ts';
import { factRecord } from '../../src/store/fact-record.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../src/store/schema.ts';
import { openStore } from '../../src/store/store.ts';
import { deviceKey } from '../support/fixtures.ts';

const genesis = createGenesis(deviceKey('open'), new Uint8Array(16), { wall: 1_700_000_000_000, logical: 0 }, 'Ada');
const GRACE = { blockedGraceMs: 20 };

/** Resolves with the version `name` is at, without upgrading it. */
function versionOf(factory: IDBFactory, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = factory.open(name);
    r.onsuccess = () => {
      resolve(r.result.version);
      r.result.close();
    };
    r.onerror = () => reject(r.error);
  });
}

async function rejection(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

describe('schema and migrations', () => {
  it('a new database has every store at the current version', async () => {
    const factory = new IDBFactory();
    const store = await openStore('fresh', { factory });
    store.close();
    const db = await openDatabase(factory, 'fresh', MIGRATIONS, GRACE);
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['ackSummaries', 'ackTracking', 'acks', 'budgets', 'facts', 'keys', 'meta', 'peers', 'snapshots']);
    expect([...db.transaction('facts').store.indexNames]).toEqual(['by-ns-time']);
    db.close();
  });

  it('upgrading a v1 database keeps its facts, keys and meta and adds the v2 stores', async () => {
    const factory = new IDBFactory();
    const v1 = await openDatabase(factory, 'old', MIGRATIONS.slice(0, 1), GRACE);
    expect([...v1.objectStoreNames].sort()).toEqual(['facts', 'keys', 'meta']);
    const seed = new Uint8Array(32).fill(7);
    await v1.put('facts', factRecord(genesis));
    await v1.put('keys', seed, ['device']);
    await v1.put('meta', 'Ada', 'displayName');
    v1.close();

    const store = await openStore('old', { factory });
    const facts = await store.loadFacts();
    expect(facts.map((f) => f.id)).toEqual([genesis.id]);
    expect(facts[0]!.bytes).toEqual(genesis.bytes);
    expect(await store.getDeviceSeed()).toEqual(seed);
    expect(await store.getMeta('displayName')).toBe('Ada');
    // The v2 stores exist and work.
    await store.appendFacts([], { trackAcks: [{ factId: genesis.id, expected: ['peer'] }] });
    expect(await store.trackedFactIds()).toEqual([genesis.id]);
    await store.putPeer({ deviceId: 'd', lastSeen: 1, trust: 50, successfulSyncs: 0, failedSyncs: 0 });
    expect(await store.listPeers()).toHaveLength(1);
    expect(await store.loadBudgets()).toEqual(new Map());
    store.close();
    expect(await versionOf(factory, 'old')).toBe(SCHEMA_VERSION);
  });

  it('upgrading a v2 database keeps its facts, ack tracking, acks, peers and budgets and adds ackSummaries', async () => {
    const factory = new IDBFactory();
    const v2 = await openDatabase(factory, 'v2', MIGRATIONS.slice(0, 2), GRACE);
    expect(v2.objectStoreNames.contains('ackSummaries')).toBe(false);
    await v2.put('facts', factRecord(genesis));
    await v2.put('ackTracking', { factId: genesis.id, expected: ['bob', 'carol'] });
    await v2.put('acks', { factId: genesis.id, peer: 'bob', ackedAt: 5 });
    await v2.put('peers', { deviceId: 'd', lastSeen: 1, trust: 50, successfulSyncs: 0, failedSyncs: 0 });
    await v2.put('budgets', { limit: 9, spent: 1, epoch: 1 }, 'k');
    v2.close();

    const store = await openStore('v2', { factory });
    expect((await store.loadFacts()).map((f) => f.id)).toEqual([genesis.id]);
    expect(await store.trackedFactIds()).toEqual([genesis.id]);
    expect(await store.expectedAcks(genesis.id)).toEqual(['bob', 'carol']);
    expect(await store.allAcks()).toEqual([{ factId: genesis.id, peer: 'bob', ackedAt: 5 }]);
    expect(await store.listPeers()).toHaveLength(1);
    expect([...(await store.loadBudgets()).keys()]).toEqual(['k']);
    expect(await store.ackSummaries()).toEqual([]);
    // The new store works: ack GC's drop moves the old acks into a summary.
    await store.dropTracking([genesis.id]);
    expect(await store.ackSummaries()).toEqual([{ factId: genesis.id, expected: ['bob', 'carol'], ackedBy: [{ peer: 'bob', ackedAt: 5 }], epoch: 0 }]);
    store.close();
    expect(await versionOf(factory, 'v2')).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(4);
    expect(await (await openStore("v2", { factory })).loadSnapshots()).toEqual([]);
  });

  it('runs exactly the migrations from the stored version on, in order', async () => {
    const factory = new IDBFactory();
    const ran: number[] = [];
    const spy = (i: number): Migration => (db, tx) => {
      ran.push(i);
      MIGRATIONS[i]!(db, tx);
    };
    (await openDatabase(factory, 'order', [spy(0)], GRACE)).close();
    (await openDatabase(factory, 'order', [spy(0), spy(1)], GRACE)).close();
    (await openDatabase(factory, 'order', [spy(0), spy(1), spy(2)], GRACE)).close();
    expect(ran).toEqual([0, 1, 2]);
  });

  it('a failing migration leaves the previous version and its data intact', async () => {
    const factory = new IDBFactory();
    const v1 = await openDatabase(factory, 'failing', MIGRATIONS.slice(0, 1), GRACE);
    await v1.put('facts', factRecord(genesis));
    v1.close();
    const broken: Migration = (db) => {
      db.createObjectStore('acks');
      throw new Error('migration bug');
    };
    const e = await rejection(openDatabase(factory, 'failing', [MIGRATIONS[0]!, broken], GRACE));
    expect(e.code).toBe('Unavailable');
    expect(await versionOf(factory, 'failing')).toBe(1);
    const store = await openStore('failing', { factory });
    expect(await store.countFacts()).toBe(1);
    store.close();
  });

  it('a database upgraded by a newer app version is VersionTooNew', async () => {
    const factory = new IDBFactory();
    (await openDatabase(factory, 'newer', [...MIGRATIONS, () => undefined], GRACE)).close();
    expect((await rejection(openStore('newer', { factory }))).code).toBe('VersionTooNew');
  });
});

describe('tabs: blocked upgrades and version changes', () => {
  it('an older connection that will not close makes the upgrade Blocked, and giving up changes nothing', async () => {
    const factory = new IDBFactory();
    const old = await openDatabase(factory, 'blocked', MIGRATIONS.slice(0, 1), GRACE);
    const e = await rejection(openStore('blocked', { factory, blockedGraceMs: 20 }));
    expect(e.code).toBe('Blocked');
    old.close();
    // The abandoned upgrade request is aborted once unblocked, so the database stays at v1 …
    expect(await versionOf(factory, 'blocked')).toBe(1);
    // … and a retry upgrades it.
    const store = await openStore('blocked', { factory });
    expect(await store.countFacts()).toBe(0);
    store.close();
  });

  it('an old connection that closes within the grace period does not block', async () => {
    const factory = new IDBFactory();
    const old = await openDatabase(factory, 'late', MIGRATIONS.slice(0, 1), GRACE);
    old.addEventListener('versionchange', () => setTimeout(() => old.close(), 5));
    const store = await openStore('late', { factory, blockedGraceMs: 1000 });
    expect(await store.countFacts()).toBe(0);
    store.close();
  });

  it('a store closes itself when a newer version upgrades, tells its tab, and then refuses work as Closed', async () => {
    const factory = new IDBFactory();
    let told = 0;
    const store = await openStore('superseded', { factory, onVersionChange: () => told++ });
    const newer = await openDatabase(factory, 'superseded', [...MIGRATIONS, () => undefined], GRACE);
    expect(newer.version).toBe(SCHEMA_VERSION + 1);
    expect(told).toBe(1);
    expect(store.closed).toBe(true);
    expect((await rejection(store.countFacts())).code).toBe('Closed');
    expect((await rejection(store.appendFacts([genesis]))).code).toBe('Closed');
    newer.close();
  });

  it('a closed store refuses work as Closed', async () => {
    const store = await openStore('closed', { factory: new IDBFactory() });
    store.close();
    store.close();
    expect((await rejection(store.loadFacts())).code).toBe('Closed');
  });
});

describe('toStoreError', () => {
  const dom = (name: string) => new DOMException('x', name);
  it.each([
    ['QuotaExceededError', 'write', 'QuotaExceeded'],
    ['QuotaExceededError', 'open', 'QuotaExceeded'],
    ['VersionError', 'open', 'VersionTooNew'],
    ['SecurityError', 'open', 'Unavailable'],
    ['InvalidStateError', 'open', 'Unavailable'],
    ['InvalidStateError', 'read', 'Closed'],
    ['InvalidStateError', 'write', 'Closed'],
    ['AbortError', 'write', 'WriteFailed'],
    ['DataCloneError', 'write', 'WriteFailed'],
    ['ConstraintError', 'write', 'WriteFailed'],
    ['UnknownError', 'write', 'WriteFailed'],
    ['UnknownError', 'read', 'Unavailable'],
    ['AbortError', 'open', 'Unavailable'],
  ] as const)('%s while %s → %s', (name, during, code) => {
    const cause = dom(name);
    const e = toStoreError(cause, during);
    expect(e).toBeInstanceOf(StoreError);
    expect(e.code).toBe(code);
    expect(e.cause).toBe(cause);
  });

  it('keeps a StoreError and maps non-DOM errors by activity', () => {
    const own = new StoreError('Blocked', 'b');
    expect(toStoreError(own, 'write')).toBe(own);
    expect(toStoreError(new TypeError('no'), 'write').code).toBe('WriteFailed');
    expect(toStoreError('weird', 'read').code).toBe('Unavailable');
  });
});
