import { StoreError } from '../store/errors.ts';
import type { AuraStore } from '../store/store.ts';

/** The profile's device seed: created once, on first start; a racing second opener reuses the winner's. */
export async function deviceSeed(store: AuraStore, random: (n: number) => Uint8Array): Promise<Uint8Array> {
  const existing = await store.getDeviceSeed();
  if (existing) return existing;
  try {
    await store.putDeviceSeed(random(32));
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
  }
  return (await store.getDeviceSeed())!;
}
