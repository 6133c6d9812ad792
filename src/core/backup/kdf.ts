import { argon2id } from '@noble/hashes/argon2.js';
import { utf8 } from '../encoding/bytes.ts';
import { BackupError } from './errors.ts';

/**
 * The passphrase KDF of backup files: Argon2id (RFC 9106) from `@noble/hashes`, pure JS.
 *
 * Parameters written by this build: m = 65 536 KiB (64 MiB), t = 1, p = 1 — above OWASP's Argon2id floor
 * (46 MiB, t = 1). Measured on the 2-core AMD EPYC VM, 2026-12-03: 0.6–0.9 s in Node v20.20, 0.5–0.9 s in
 * Chromium 156 (BENCHMARKS.md, "Backup and restore"); scrypt N = 2^17, r = 8 took ~1.0 s in Node, Argon2id was
 * chosen as the stronger of the two at that cost. They are stored in each file's header, so raising them later
 * breaks no file: readers take
 * them from the header, within `KDF_BOUNDS` (a hostile header must not ask for gigabytes or hours).
 */
export interface KdfParams {
  /** Memory in KiB. */
  readonly m: number;
  /** Passes. */
  readonly t: number;
  /** Lanes. */
  readonly p: number;
}

export const BACKUP_KDF: KdfParams = { m: 65_536, t: 1, p: 1 };

/** What a reader accepts. The floor of m is low so tests and benchmarks can write cheap files. */
export const KDF_BOUNDS = { m: [8, 1_048_576], t: [1, 16], p: [1, 4] } as const;

/** Key material drawn from the KDF: 32 bytes of AEAD key, then 16 bytes of passphrase check. */
export const DERIVED_BYTES = 48;
export const SALT_BYTES = 16;

export function checkKdfParams(params: KdfParams): void {
  for (const k of ['m', 't', 'p'] as const) {
    const [lo, hi] = KDF_BOUNDS[k];
    const v = params[k];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new BackupError('Malformed', `KDF parameter ${k} = ${v} outside ${lo}..${hi}`);
  }
  // Argon2 needs at least 8 KiB per lane.
  if (params.m < 8 * params.p) throw new BackupError('Malformed', `KDF memory ${params.m} KiB < 8 KiB per lane`);
}

/** NFC, so the same passphrase typed on another system (composed or decomposed accents) opens the file. */
export function passphraseBytes(passphrase: string): Uint8Array {
  return utf8.encode(passphrase.normalize('NFC'));
}

/** The noble options for these parameters; the node passes them to the async variant (with progress). */
export function argon2Options(params: KdfParams): { m: number; t: number; p: number; dkLen: number; maxmem: number } {
  checkKdfParams(params);
  return { m: params.m, t: params.t, p: params.p, dkLen: DERIVED_BYTES, maxmem: params.m * 1024 + 1024 * 1024 };
}

/** Synchronous derivation (tests, benchmarks); the node uses `argon2idAsync` with the same options. */
export function deriveBackupKey(passphrase: string, params: KdfParams, salt: Uint8Array): Uint8Array {
  return argon2id(passphraseBytes(passphrase), salt, argon2Options(params));
}
