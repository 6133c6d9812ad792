import type { ContextId } from '../../core/ids.ts';
import type { SnapshotEffect, StorageHistory, StorageSample } from '../api-maintenance.ts';

/** The meta record holding the history (`StorageRing`); not carried by backups. */
export const STORAGE_HISTORY_META = 'storage-history';
/** 288 samples: a day at one a minute would be 1 440; this keeps the last ~5 h of an open tab, ~20 KB. */
export const MAX_STORAGE_SAMPLES = 288;
export const MAX_SNAPSHOT_EFFECTS = 32;

/** Where the ring is kept: the store's meta object store (`AuraStore.getMeta` / `setMeta`). */
export interface MetaStore {
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isCount = isTime;
const isBytesOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sample(v: unknown): StorageSample | null {
  if (!isObject(v) || !isTime(v.at) || !isBytesOrNull(v.usage) || !isBytesOrNull(v.quota) || !isCount(v.facts) || !isCount(v.snapshotBytes)) return null;
  return { at: v.at, usage: v.usage, quota: v.quota, facts: v.facts, snapshotBytes: v.snapshotBytes };
}

function side(v: unknown): SnapshotEffect['before'] | null {
  return isObject(v) && isTime(v.at) && isCount(v.facts) && isBytesOrNull(v.usage) ? { at: v.at, facts: v.facts, usage: v.usage } : null;
}

function effect(v: unknown): SnapshotEffect | null {
  if (!isObject(v) || typeof v.context !== 'string' || v.context.length === 0 || v.context.length > 256 || !isCount(v.epoch)) return null;
  const before = side(v.before);
  const after = side(v.after);
  return before && after ? { context: v.context as ContextId, epoch: v.epoch, before, after } : null;
}

/**
 * A stored history as read back: anything that is not `{ v: 1, samples, effects }` of well-formed entries is
 * dropped — entry by entry, so one bad sample costs only itself. Never throws: the record is this device's own,
 * but a profile written by another build (or tampered with) must still open.
 */
export function parseStorageHistory(v: unknown): StorageHistory {
  if (!isObject(v) || v.v !== 1 || !Array.isArray(v.samples) || !Array.isArray(v.effects)) return { samples: [], effects: [] };
  const samples = v.samples.slice(-MAX_STORAGE_SAMPLES).map(sample).filter((s): s is StorageSample => s !== null);
  const effects = v.effects.slice(-MAX_SNAPSHOT_EFFECTS).map(effect).filter((e): e is SnapshotEffect => e !== null);
  return { samples, effects };
}

/** The last `MAX_STORAGE_SAMPLES` samples and `MAX_SNAPSHOT_EFFECTS` snapshot effects, saved after every change. */
export class StorageRing {
  private history: StorageHistory = { samples: [], effects: [] };

  constructor(private readonly store: MetaStore) {}

  /** Reads the saved history; a missing, unreadable or malformed record starts empty. */
  async load(): Promise<void> {
    let saved: unknown;
    try {
      saved = await this.store.getMeta<unknown>(STORAGE_HISTORY_META);
    } catch {
      saved = undefined;
    }
    this.history = parseStorageHistory(saved);
  }

  /** Oldest first. A new object after every change (the UI compares by identity). */
  read(): StorageHistory {
    return this.history;
  }

  push(s: StorageSample): Promise<void> {
    this.history = { ...this.history, samples: [...this.history.samples, s].slice(-MAX_STORAGE_SAMPLES) };
    return this.save();
  }

  noteEffect(e: SnapshotEffect): Promise<void> {
    const others = this.history.effects.filter((o) => o.context !== e.context || o.epoch !== e.epoch);
    this.history = { ...this.history, effects: [...others, e].slice(-MAX_SNAPSHOT_EFFECTS) };
    return this.save();
  }

  private save(): Promise<void> {
    return this.store.setMeta(STORAGE_HISTORY_META, { v: 1, ...this.history });
  }
}
