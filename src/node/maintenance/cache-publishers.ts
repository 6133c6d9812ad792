import { cacheFloor } from '../../core/reduce/cache-floors.ts';
import type { MaintenanceState } from '../../core/reduce/maintenance.ts';
import type { DeviceId, Epoch, FactId } from '../../core/ids.ts';
import { CACHE_KEYS } from './cache-keys.ts';

/** A CacheInvalidated this device owes the account: every key, at `floor`, for the mutation `cause`. */
export interface OwedInvalidation {
  readonly cause: FactId;
  readonly floor: Epoch;
}

/**
 * The state mutations that make this code's derived state wrong, and so publish CacheInvalidated (spec 004
 * §3): an upgrade activation, once it counts. From its fence on the account runs code that may derive ack
 * summaries and reach differently, so whatever was computed before the fence is rebuilt: floor = fence (an
 * entry computed at the fence epoch is stamped above it, `cacheStamp`). The device that signed the
 * activation publishes, once; a floor already at or above the fence for every key owes nothing (so a
 * restart does not publish again).
 */
export function owedInvalidations(st: MaintenanceState, device: DeviceId): OwedInvalidation[] {
  const owed: OwedInvalidation[] = [];
  for (const u of st.upgrades.values()) {
    const fence = u.fact.body.activationFence;
    if (u.fact.device !== device) continue;
    if (CACHE_KEYS.some((k) => (cacheFloor(st, k) ?? -1) < fence)) owed.push({ cause: u.id, floor: fence });
  }
  return owed;
}
