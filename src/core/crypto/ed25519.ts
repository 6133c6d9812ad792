import { ed25519 } from '@noble/curves/ed25519.js';
import type { DeviceId } from '../ids.ts';
import { deviceIdFromPublicKey } from './device-id.ts';

export interface DeviceKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly deviceId: DeviceId;
}

/** Device keys come from a 32-byte seed the caller supplies, so the core never draws randomness. */
export function deviceKeyFromSeed(seed: Uint8Array): DeviceKey {
  if (seed.length !== 32) throw new Error('seed must be 32 bytes');
  const publicKey = ed25519.getPublicKey(seed);
  return { secretKey: seed, publicKey, deviceId: deviceIdFromPublicKey(publicKey) };
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
