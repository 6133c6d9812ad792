/**
 * What the UI keeps across reloads that is not the node's (drafts, sends not yet accepted, pending joins), in
 * localStorage under `aura:<profile>:<what>`: per profile, because two profiles are two devices.
 */
export function localKey(profile: string, ...what: readonly string[]): string {
  return ['aura', profile, ...what].join(':');
}

export function readLocal<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    // Unreadable (storage disabled, or a value from an older build): start from nothing rather than not at all.
    return fallback;
  }
}

/** `null` removes the key, so empty drafts and finished queues leave nothing behind. */
export function writeLocal(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the value still lives in memory for this tab; only surviving a reload is lost.
  }
}
