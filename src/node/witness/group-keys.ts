import type { FrostKeyPackage } from '../../core/crypto/frost.ts';
import type { AuraStore } from '../../store/store.ts';

const META = 'group-keys';

/**
 * This device's FROST key packages by group key (hex), kept in the profile's store like its device seed:
 * they never leave the device. A record that is not a key package is skipped, never a failed boot.
 */
export async function loadGroupKeys(store: AuraStore): Promise<Map<string, FrostKeyPackage>> {
  const stored = (await store.getMeta<Record<string, unknown>>(META)) ?? {};
  const out = new Map<string, FrostKeyPackage>();
  for (const [gk, v] of Object.entries(stored)) {
    const k = v as FrostKeyPackage | null;
    if (k && typeof k.participant === 'string' && k.secret?.signingShare instanceof Uint8Array && Array.isArray(k.public?.commitments)) out.set(gk, k);
  }
  return out;
}

const writes = new WeakMap<AuraStore, Promise<void>>();

/** Read-modify-write of one record, so saves are chained per store: two groups' keys never overwrite each other. */
export function saveGroupKey(store: AuraStore, groupKey: string, key: FrostKeyPackage): Promise<void> {
  const next = (writes.get(store) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const stored = (await store.getMeta<Record<string, FrostKeyPackage>>(META)) ?? {};
    await store.setMeta(META, { ...stored, [groupKey]: key });
  });
  writes.set(store, next);
  return next;
}
