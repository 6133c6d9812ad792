import { sha256 } from '@noble/hashes/sha2.js';
import { base32 } from 'multiformats/bases/base32';
import { bytesEqual, concatBytes } from '../encoding/bytes.ts';
import { decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';

/**
 * The text form every copyable code shares (join codes, rendezvous codes): `prefix` + base32(CBOR ‖ 4-byte
 * checksum). The checksum catches typos before a mistyped code could be taken for another one.
 */
const CHECKSUM_BYTES = 4;

export type CodeTextFailure = 'WrongPrefix' | 'Corrupt' | 'Malformed';

function checksum(body: Uint8Array): Uint8Array {
  return sha256(body).subarray(0, CHECKSUM_BYTES);
}

export function encodeCodeText(prefix: string, value: unknown): string {
  const body = encodeCanonical(value).slice();
  return prefix + base32.baseEncode(concatBytes(body, checksum(body)));
}

/**
 * The CBOR value inside a code's text. Accepts surrounding whitespace and any letter case, nothing else: the
 * text must be the one encoding. Each failure goes to `fail`, which throws the caller's typed error.
 */
export function decodeCodeText(prefix: string, text: string, maxChars: number, fail: (why: CodeTextFailure, message: string) => never, meter?: WorkMeter): unknown {
  if (text.length > maxChars) fail('Corrupt', `longer than ${maxChars} characters`);
  const t = text.trim().toLowerCase();
  if (!t.startsWith(prefix)) fail('WrongPrefix', `expected "${prefix}…"`);
  const b32 = t.slice(prefix.length);
  let raw: Uint8Array;
  try {
    raw = base32.baseDecode(b32);
  } catch {
    return fail('Corrupt', 'not base32');
  }
  // The decoder tolerates padding; refusing anything but the canonical text keeps one text per code.
  if (base32.baseEncode(raw) !== b32) fail('Corrupt', 'not canonical base32');
  if (raw.length <= CHECKSUM_BYTES) fail('Corrupt', 'too short');
  const body = raw.subarray(0, raw.length - CHECKSUM_BYTES);
  if (!bytesEqual(checksum(body), raw.subarray(raw.length - CHECKSUM_BYTES))) fail('Corrupt', 'checksum mismatch');
  try {
    return decodeCanonical<unknown>(body, meter);
  } catch (e) {
    return fail('Malformed', (e as Error).message);
  }
}
