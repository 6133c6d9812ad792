import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { sha256 } from '@noble/hashes/sha2.js';
import type { FactId } from '../ids.ts';

const DAG_CBOR = 0x71;
const SHA2_256 = 0x12;

/** CIDv1 of canonical DAG-CBOR bytes. Hashing is synchronous (noble), so ids never need a promise. */
export function cidOf(canonicalBytes: Uint8Array): FactId {
  return CID.createV1(DAG_CBOR, createDigest(SHA2_256, sha256(canonicalBytes))).toString();
}

export function isCid(s: string): boolean {
  try {
    const c = CID.parse(s);
    return c.version === 1 && c.code === DAG_CBOR && c.multihash.code === SHA2_256 && c.toString() === s;
  } catch {
    return false;
  }
}
