import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from '../encoding/bytes.ts';
import { BackupError } from './errors.ts';
import { checkKdfParams, SALT_BYTES, type KdfParams } from './kdf.ts';

/**
 * The fixed-size header of a backup file, in front of the ciphertext (which it also authenticates: it is the
 * AEAD's associated data). Big-endian integers:
 *
 * | offset | bytes | field |
 * |---|---|---|
 * | 0 | 8 | magic `89 'AURABK' 0A` (the high byte and the newline catch 7-bit and line-ending mangling) |
 * | 8 | 1 | format version (1) |
 * | 9 | 1 | KDF id (1 = Argon2id) |
 * | 10 | 4 | KDF memory m (KiB) |
 * | 14 | 1 | KDF passes t |
 * | 15 | 1 | KDF lanes p |
 * | 16 | 16 | salt |
 * | 32 | 24 | XChaCha20-Poly1305 nonce |
 * | 56 | 16 | passphrase check (bytes 32..48 of the KDF output) |
 * | 72 | 4 | ciphertext length (plaintext + 16-byte tag) |
 * | 76 | 16 | SHA-256 of bytes 0..76, first 16 bytes |
 *
 * The digest is not a MAC (anyone can recompute it): it tells a damaged header (`Tampered`) from a wrong
 * passphrase before the KDF runs. The AEAD tag is what makes the header tamper-evident against an attacker.
 */
export const MAGIC = Uint8Array.of(0x89, 0x41, 0x55, 0x52, 0x41, 0x42, 0x4b, 0x0a);
export const FORMAT_VERSION = 1;
export const KDF_ARGON2ID = 1;
export const NONCE_BYTES = 24;
export const CHECK_BYTES = 16;
const DIGEST_AT = 76;
export const HEADER_BYTES = DIGEST_AT + 16;
export const TAG_BYTES = 16;
/** Largest file read or written: 100k messages of 4 KB fit, and no hostile length asks for more. */
export const MAX_BACKUP_BYTES = 1024 * 1024 * 1024;

export interface BackupHeader {
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
  readonly check: Uint8Array;
  readonly bodyLength: number;
  /** The header's exact bytes: the associated data of the ciphertext. */
  readonly bytes: Uint8Array;
}

export function encodeHeader(h: Omit<BackupHeader, 'bytes'>): Uint8Array {
  checkKdfParams(h.kdf);
  if (h.salt.length !== SALT_BYTES || h.nonce.length !== NONCE_BYTES || h.check.length !== CHECK_BYTES) throw new RangeError('salt, nonce or check of the wrong length');
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[8] = FORMAT_VERSION;
  out[9] = KDF_ARGON2ID;
  view.setUint32(10, h.kdf.m);
  out[14] = h.kdf.t;
  out[15] = h.kdf.p;
  out.set(h.salt, 16);
  out.set(h.nonce, 32);
  out.set(h.check, 56);
  view.setUint32(72, h.bodyLength);
  out.set(digest(out), DIGEST_AT);
  return out;
}

/**
 * Reads and checks the header of a whole file, cheapest first and before any KDF work: length, magic,
 * version, digest, KDF parameters within bounds, then the ciphertext length against the file's.
 */
export function readHeader(file: Uint8Array): BackupHeader {
  if (file.length > MAX_BACKUP_BYTES) throw new BackupError('TooLarge', `${file.length} > ${MAX_BACKUP_BYTES} bytes`);
  const magicSeen = file.subarray(0, MAGIC.length);
  if (!bytesEqual(magicSeen, MAGIC.subarray(0, magicSeen.length))) throw new BackupError('Malformed', 'not an Aura backup file');
  if (file.length < HEADER_BYTES) throw new BackupError('Truncated', `${file.length} < ${HEADER_BYTES} header bytes`);
  if (file[8] !== FORMAT_VERSION) throw new BackupError('UnsupportedVersion', `format version ${file[8]}; this app reads ${FORMAT_VERSION}`);
  const bytes = file.subarray(0, HEADER_BYTES);
  if (!bytesEqual(digest(bytes), bytes.subarray(DIGEST_AT))) throw new BackupError('Tampered', 'the header does not match its digest');
  if (file[9] !== KDF_ARGON2ID) throw new BackupError('UnsupportedVersion', `KDF ${file[9]}`);
  const view = new DataView(file.buffer, file.byteOffset, HEADER_BYTES);
  const kdf = { m: view.getUint32(10), t: file[14]!, p: file[15]! };
  checkKdfParams(kdf);
  const bodyLength = view.getUint32(72);
  if (bodyLength < TAG_BYTES) throw new BackupError('Malformed', `ciphertext of ${bodyLength} bytes`);
  const have = file.length - HEADER_BYTES;
  if (have < bodyLength) throw new BackupError('Truncated', `${have} of ${bodyLength} ciphertext bytes`);
  if (have > bodyLength) throw new BackupError('Malformed', `${have - bodyLength} bytes after the ciphertext`);
  return { kdf, salt: file.slice(16, 32), nonce: file.slice(32, 56), check: file.slice(56, 72), bodyLength, bytes };
}

function digest(header: Uint8Array): Uint8Array {
  return sha256(header.subarray(0, DIGEST_AT)).subarray(0, 16);
}
