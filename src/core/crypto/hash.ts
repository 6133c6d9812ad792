import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../encoding/bytes.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import type { Hash32 } from '../ids.ts';

/** Domain-separated hash of a value's canonical encoding. */
export function hashValue(domain: string, value: unknown): Hash32 {
  const d = utf8.encode(domain);
  const v = encodeCanonical(value);
  const buf = new Uint8Array(d.length + 1 + v.length);
  buf.set(d);
  buf.set(v, d.length + 1);
  return toHex(sha256(buf));
}
