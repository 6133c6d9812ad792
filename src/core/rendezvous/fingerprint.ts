import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../encoding/bytes.ts';
import type { AuthorityId } from '../ids.ts';

/**
 * What two contacts compare out of band (read aloud, side by side) to know no one sits between them: a digest
 * of both authority ids, the same on both sides whichever way round, in groups of four hex digits.
 */
export function contactFingerprint(a: AuthorityId, b: AuthorityId): string {
  const [x, y] = a < b ? [a, b] : [b, a];
  const digest = toHex(sha256(utf8.encode(`aura/contact-fingerprint/v1\n${x}\n${y}`)).subarray(0, 10));
  return digest.match(/.{4}/g)!.join(' ');
}
