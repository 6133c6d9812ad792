import type { Epoch } from '../ids.ts';
import { isCacheValid, type MaintenanceState } from './maintenance.ts';

/**
 * Persisted derived state under CacheInvalidated floors (spec 004 §3). Each entry carries the epoch it was
 * computed under; it is valid only while that epoch exceeds its key's floor (`isCacheValid`). Floors join by
 * max per key, so the answer does not depend on the order the facts arrived in.
 */

/** The highest floor any counted CacheInvalidated fact set for `key`, or null when none names it. */
export function cacheFloor(st: MaintenanceState, key: string): Epoch | null {
  return st.cacheFloors.get(key) ?? null;
}

/**
 * The epoch an entry computed now is stamped with: the tree epoch, except that a floor AT the tree epoch
 * lifts it by one. That floor covers what was computed before it was applied ("rebuild now" sets floor =
 * current epoch), so an entry rebuilt after it is newer and is not discarded again at the next start. A
 * floor beyond the tree epoch (a fence ahead) keeps invalidating until the tree epoch passes it.
 */
export function cacheStamp(st: MaintenanceState, key: string, treeEpoch: Epoch): Epoch {
  return cacheFloor(st, key) === treeEpoch ? treeEpoch + 1 : treeEpoch;
}

/** Whether an entry stamped `stamp` survives its key's floor: strictly above it. */
export function isEntryValid(st: MaintenanceState, key: string, stamp: Epoch): boolean {
  return isCacheValid(st, key, stamp);
}
