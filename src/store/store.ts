import { unwrap, type IDBPDatabase } from 'idb';
import type { Acknowledgment } from '../core/consistency/acknowledgment.ts';
import type { AckStore, SettledTracking } from '../core/consistency/ack-gc.ts';
import type { ValidatedFact } from '../core/facts/fact.ts';
import type { FlowBudget } from '../core/flow/flow-budget.ts';
import type { AuthorityId, ContextId, FactId, Namespace } from '../core/ids.ts';
import * as acks from './acks.ts';
import { appendBatch, type AppendExtra } from './append.ts';
import { estimateStorage, type StorageEstimateResult } from './estimate.ts';
import { StoreError, toStoreError, type StoreActivity } from './errors.ts';
import { namespaceRange, type StoredFact } from './fact-record.ts';
import * as keys from './keys.ts';
import { openDatabase } from './open-database.ts';
import { restoreProfile, type ProfileImage } from './restore.ts';
import type { PeerRecord } from './peers.ts';
import { loadSnapshot, loadSnapshots, saveSnapshot, type StoredSnapshot } from './snapshots.ts';
import { MIGRATIONS, type AckSummary, type AuraDB, type StoredAck } from './schema.ts';
import { inTransaction } from './tx.ts';

export interface OpenStoreOptions {
  /** Defaults to the global `indexedDB`; tests inject a fresh fake-indexeddb factory. */
  readonly factory?: IDBFactory;
  /**
   * Called after a newer tab asked to upgrade the database: this store has already closed its connection
   * (so the upgrade is not blocked) and every later call rejects with `Closed`. The tab should tell the
   * user and reload.
   */
  readonly onVersionChange?: () => void;
  /** How long to wait for older tabs to close before rejecting with `Blocked` (default 1000 ms). */
  readonly blockedGraceMs?: number;
}

/** Opens (creating or upgrading) the database `name` — the node uses `aura-<profile>`. */
export async function openStore(name: string, opts: OpenStoreOptions = {}): Promise<AuraStore> {
  const factory = opts.factory ?? globalThis.indexedDB;
  if (factory === undefined) throw new StoreError('Unavailable', 'this browser offers no IndexedDB');
  const db = await openDatabase(factory, name, MIGRATIONS, { blockedGraceMs: opts.blockedGraceMs ?? 1000 });
  return new AuraStore(db, opts.onVersionChange);
}

/** The node's persistent state in one IndexedDB database. Every failure is a StoreError. */
export class AuraStore implements AckStore {
  private db: IDBPDatabase<AuraDB> | null;
  private closedBecause = 'the store was closed';

  constructor(db: IDBPDatabase<AuraDB>, onVersionChange?: () => void) {
    this.db = db;
    const raw = unwrap(db);
    raw.addEventListener('versionchange', () => {
      this.shut('a newer version of the app upgraded the database in another tab');
      onVersionChange?.();
    });
    raw.addEventListener('close', () => this.shut('the browser closed the database'));
  }

  get closed(): boolean {
    return this.db === null;
  }

  /** Waits for running transactions to finish, then closes. Idempotent. */
  close(): void {
    this.shut('the store was closed');
  }

  // Facts

  /**
   * Appends a batch of validated facts, plus the local state that must commit with them, in one atomic
   * transaction. Returns the ids that were new, in batch order; facts already stored (or repeated in the
   * batch) are written once. On failure nothing of the batch is stored.
   */
  appendFacts(facts: readonly ValidatedFact[], extra: AppendExtra = {}): Promise<FactId[]> {
    return this.run('write', (db) => appendBatch(db, facts, extra));
  }

  /** Every fact, ordered by namespace, then order time, then FactId. */
  loadFacts(): Promise<StoredFact[]> {
    return this.run('read', (db) => db.getAllFromIndex('facts', 'by-ns-time'));
  }

  /** The facts of one namespace, by order time then FactId. */
  loadNamespace(ns: Namespace): Promise<StoredFact[]> {
    return this.run('read', (db) => db.getAllFromIndex('facts', 'by-ns-time', namespaceRange(ns)));
  }

  hasFact(id: FactId): Promise<boolean> {
    return this.run('read', async (db) => (await db.getKey('facts', id)) !== undefined);
  }

  countFacts(): Promise<number> {
    return this.run('read', (db) => db.count('facts'));
  }

  /** The namespaces holding facts, sorted; one index seek per namespace, not a scan of the facts. */
  namespaces(): Promise<Namespace[]> {
    return this.run('read', async (db) => {
      const out: Namespace[] = [];
      const index = db.transaction('facts').store.index('by-ns-time');
      let cursor = await index.openKeyCursor();
      while (cursor) {
        const ns = cursor.key[0];
        out.push(ns);
        cursor = await index.openKeyCursor(IDBKeyRange.lowerBound([ns, []], true));
      }
      return out;
    });
  }

  /** Stores a namespace's snapshot and deletes the facts it lets go, atomically (`snapshots.ts`). */
  saveSnapshot(snapshot: StoredSnapshot, prune: readonly FactId[]): Promise<void> {
    return this.run('write', (db) => saveSnapshot(db, snapshot, prune));
  }

  loadSnapshots(): Promise<StoredSnapshot[]> {
    return this.run('read', (db) => loadSnapshots(db));
  }

  /** A namespace's stored snapshot (its blob, to serve a member that lacks it). */
  loadSnapshot(ns: Namespace): Promise<StoredSnapshot | undefined> {
    return this.run('read', (db) => loadSnapshot(db, ns));
  }

  // Keys

  getDeviceSeed(): Promise<Uint8Array | undefined> {
    return this.run('read', (db) => keys.getDeviceSeed(db));
  }

  /** Written once per profile; rejects with `SeedExists` rather than replace a device key. */
  putDeviceSeed(seed: Uint8Array): Promise<void> {
    return this.run('write', (db) => keys.putDeviceSeed(db, seed));
  }

  putContextSecret(contextId: ContextId, secret: Uint8Array): Promise<void> {
    return this.run('write', (db) => keys.putContextSecret(db, contextId, secret));
  }

  contextSecrets(): Promise<Map<ContextId, Uint8Array>> {
    return this.run('read', (db) => keys.contextSecrets(db));
  }

  /** A whole profile into an empty one, in one transaction (`restore.ts`); `ProfileNotEmpty` otherwise. */
  restoreProfile(image: ProfileImage, guardMeta: string): Promise<void> {
    return this.run('write', (db) => restoreProfile(db, image, guardMeta));
  }

  // Meta

  getMeta<T>(key: string): Promise<T | undefined> {
    return this.run('read', async (db) => (await db.get('meta', key)) as T | undefined);
  }

  setMeta(key: string, value: unknown): Promise<void> {
    return this.run('write', async (db) => {
      const tx = db.transaction('meta', 'readwrite');
      await inTransaction(tx, tx.store.put(value, key));
    });
  }

  // Acks (AckStore)

  trackedFactIds(): Promise<readonly FactId[]> {
    return this.run('read', (db) => acks.trackedFactIds(db));
  }

  acknowledgment(id: FactId): Promise<Acknowledgment | undefined> {
    return this.run('read', (db) => acks.acknowledgment(db, id));
  }

  /** Drops tracking and acks and writes each fact's `AckSummary`, atomically (see `acks.dropTracking`). */
  dropTracking(ids: readonly FactId[], settled: readonly SettledTracking[] = [], epoch = 0): Promise<void> {
    return this.run('write', (db) => acks.dropTracking(db, ids, settled, epoch));
  }

  /** Discards summaries stamped at or below `floor` and tracks their facts again, atomically (`acks.retrackStale`). */
  retrackStale(entries: readonly acks.Retrack[], floor: number): Promise<FactId[]> {
    return this.run('write', (db) => acks.retrackStale(db, entries, floor));
  }

  /** The acks of those of `ids` that are tracked, in one read snapshot. */
  trackedAcknowledgments(ids: readonly FactId[]): Promise<Map<FactId, Acknowledgment>> {
    return this.run('read', (db) => acks.trackedAcknowledgments(db, ids));
  }

  /** Every summary of a dropped fact, in one read, for cold start. */
  ackSummaries(): Promise<AckSummary[]> {
    return this.run('read', (db) => acks.ackSummaries(db));
  }

  /** Keeps each peer's earliest ack of each tracked fact; returns the facts whose acks changed, sorted. */
  putAcks(records: readonly StoredAck[]): Promise<FactId[]> {
    return this.run('write', (db) => acks.putAcks(db, records));
  }

  /** Every stored ack record (key order: fact, then peer). */
  allAcks(): Promise<StoredAck[]> {
    return this.run('read', (db) => acks.allAcks(db));
  }

  expectedAcks(factId: FactId): Promise<readonly AuthorityId[] | undefined> {
    return this.run('read', (db) => acks.expectedAcks(db, factId));
  }

  // Peers

  putPeer(peer: PeerRecord): Promise<void> {
    return this.run('write', async (db) => {
      const tx = db.transaction('peers', 'readwrite');
      await inTransaction(tx, tx.store.put(peer));
    });
  }

  /** All known peers, by DeviceId. */
  listPeers(): Promise<PeerRecord[]> {
    return this.run('read', (db) => db.getAll('peers'));
  }

  // Budgets (written by appendFacts, merged with core's `merge`)

  loadBudgets(): Promise<Map<string, FlowBudget>> {
    return this.run('read', async (db) => {
      const tx = db.transaction('budgets');
      const [keys, budgets] = await inTransaction(tx, Promise.all([tx.store.getAllKeys(), tx.store.getAll()]));
      return new Map(keys.map((k, i) => [k, budgets[i]!]));
    });
  }

  estimate(): Promise<StorageEstimateResult | null> {
    return estimateStorage();
  }

  private shut(reason: string): void {
    if (this.db === null) return;
    this.closedBecause = reason;
    this.db.close();
    this.db = null;
  }

  private async run<T>(during: StoreActivity, op: (db: IDBPDatabase<AuraDB>) => Promise<T>): Promise<T> {
    if (this.db === null) throw new StoreError('Closed', this.closedBecause);
    try {
      return await op(this.db);
    } catch (e) {
      if (e instanceof RangeError) throw e;
      throw toStoreError(e, during);
    }
  }
}
