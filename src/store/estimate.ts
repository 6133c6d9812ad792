export interface StorageEstimateResult {
  readonly usage: number;
  readonly quota: number;
}

/** The origin's storage use and quota, or null where the platform does not tell (it is only advice). */
export async function estimateStorage(): Promise<StorageEstimateResult | null> {
  const storage = globalThis.navigator?.storage;
  if (typeof storage?.estimate !== 'function') return null;
  try {
    const { usage, quota } = await storage.estimate();
    return usage === undefined || quota === undefined ? null : { usage, quota };
  } catch {
    return null;
  }
}
