import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { AckRecord } from '../core/consistency/acknowledgment.ts';
import type { FlowBudget } from '../core/flow/flow-budget.ts';
import type { AuthorityId, ContextId, FactId, PhysicalTime } from '../core/ids.ts';
import type { NsTimeKey, StoredFact } from './fact-record.ts';
import type { PeerRecord } from './peers.ts';
import type { StoredSnapshot } from './snapshots.ts';

/** One peer's ack of one fact; the key [factId, peer] keeps one row per pair. */
export interface StoredAck {
  readonly factId: FactId;
  readonly peer: AuthorityId;
  readonly ackedAt: PhysicalTime;
}

/** A fact whose acks we collect, and from whom. Acks of untracked facts are not kept. */
export interface AckTracking {
  readonly factId: FactId;
  readonly expected: readonly AuthorityId[];
}

/**
 * What stays of a fact's tracking once ack GC dropped it: the peers its policy expected then, and every ack
 * (each peer's earliest) — one row in place of the tracking and one row per ack, so the fact keeps showing
 * exactly what its acks proved.
 */
export interface AckSummary {
  readonly factId: FactId;
  readonly expected: readonly AuthorityId[];
  readonly ackedBy: readonly AckRecord[];
  /**
   * The epoch it was computed under (the cache stamp of `acks/summaries`, spec 004 §3); absent on summaries
   * written before stamps, which read as 0. Valid only while it exceeds the key's CacheInvalidated floor.
   */
  readonly epoch?: number;
}

/** Secrets by kind; array keys let one kind be read with a prefix range. */
export type SecretKey = ['device'] | ['context', ContextId];

export interface AuraDB extends DBSchema {
  facts: { key: FactId; value: StoredFact; indexes: { 'by-ns-time': NsTimeKey } };
  keys: { key: SecretKey; value: Uint8Array };
  meta: { key: string; value: unknown };
  acks: { key: [FactId, AuthorityId]; value: StoredAck };
  ackTracking: { key: FactId; value: AckTracking };
  ackSummaries: { key: FactId; value: AckSummary };
  peers: { key: string; value: PeerRecord };
  /** Keyed by core's `budgetKey(context, peer, epoch)`. */
  budgets: { key: string; value: FlowBudget };
  /** Each namespace's latest completed snapshot (`snapshots.ts`). */
  snapshots: { key: string; value: StoredSnapshot };
}

export type AuraStoreName = StoreNames<AuraDB>;
export type UpgradeTransaction = IDBPTransaction<AuraDB, AuraStoreName[], 'versionchange'>;

/** Upgrades the schema by one version inside the versionchange transaction (data moves go through `tx`). */
export type Migration = (db: IDBPDatabase<AuraDB>, tx: UpgradeTransaction) => void;

/** MIGRATIONS[i] upgrades version i to i + 1. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.createObjectStore('facts', { keyPath: 'id' }).createIndex('by-ns-time', ['ns', 'wall', 'logical', 'device']);
    db.createObjectStore('keys');
    db.createObjectStore('meta');
  },
  (db) => {
    // Acks are read per fact with a [factId] prefix range on the primary key, so they need no index.
    db.createObjectStore('acks', { keyPath: ['factId', 'peer'] });
    db.createObjectStore('ackTracking', { keyPath: 'factId' });
    db.createObjectStore('peers', { keyPath: 'deviceId' });
    db.createObjectStore('budgets');
  },
  (db) => {
    db.createObjectStore('ackSummaries', { keyPath: 'factId' });
  },
  (db) => {
    db.createObjectStore('snapshots', { keyPath: 'ns' });
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
