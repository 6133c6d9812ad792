const KEY = 'aura-profile';
const VALID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const DEFAULT_PROFILE = 'default';

/**
 * A tab's profile (= device): `?profile=` in the URL, else the one this tab used before (sessionStorage),
 * else the default. The choice is remembered per tab so a reload keeps the same device.
 */
export function resolveProfile(url: URL, session: Pick<Storage, 'getItem' | 'setItem'>): string {
  const fromUrl = url.searchParams.get('profile')?.toLowerCase() ?? null;
  const chosen = fromUrl !== null && VALID.test(fromUrl) ? fromUrl : session.getItem(KEY);
  const profile = chosen !== null && VALID.test(chosen) ? chosen : DEFAULT_PROFILE;
  session.setItem(KEY, profile);
  return profile;
}

export function databaseName(profile: string): string {
  return `aura-${profile}`;
}

export function lockName(profile: string): string {
  return `aura-node:${profile}`;
}

/**
 * Deletes a profile's database: its device key, journals and contacts are gone from this browser. Its node
 * must be closed first; another tab still holding it blocks the deletion, which then fails instead of waiting.
 */
export function deleteProfileDatabase(profile: string, idb: IDBFactory = indexedDB): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = idb.deleteDatabase(databaseName(profile));
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error('the profile could not be deleted'));
    req.onblocked = () => reject(new Error('another tab still has this profile open: close it first'));
  });
}
