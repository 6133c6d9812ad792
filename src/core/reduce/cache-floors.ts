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
 * The epoch an entry computed now is stamped with: the tree epoch, lifted just above the key's floor. An
 * entry computed after a floor was applied is newer than that floor, so a rebuild at the floor's own epoch
 * (the "rebuild now" button sets floor = current epoch) is not discarded again at the next start.
 */
export function cacheStamp(st: MaintenanceState, key: string, treeEpoch: Epoch): Epoch {
  const floor = cacheFloor(st, key);
  return floor === null ? treeEpoch : Math.max(treeEpoch, floor + 1);
}

/** Whether an entry stamped `stamp` survives its key's floor: strictly above it. */
export function isEntryValid(st: MaintenanceState, key: string, stamp: Epoch): boolean {
  return isCacheValid(st, key, stamp);
}
