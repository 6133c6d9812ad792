import { sha256 } from '@noble/hashes/sha2.js';
import { limbsToBytes } from './u256.ts';
import { writeVarint } from './varint.ts';

export const FINGERPRINT_BYTES = 16;

/**
 * Negentropy's range fingerprint: SHA-256(sum of ids mod 2^256, little-endian ‖ varint(count)), first 16
 * bytes. The sum makes it cheap (prefix sums give any range in O(log n)); hashing it means nobody can craft
 * a set whose ids add up to another set's sum and pass as equal.
 */
export function fingerprintOf(sum: Uint32Array, count: number): Uint8Array {
  const tail: number[] = [];
  writeVarint(tail, count);
  const input = new Uint8Array(32 + tail.length);
  input.set(limbsToBytes(sum, 0), 0);
  input.set(tail, 32);
  return sha256(input).slice(0, FINGERPRINT_BYTES);
}
