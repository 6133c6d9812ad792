import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { concatBytes } from '../encoding/bytes.ts';
import { BackupError } from './errors.ts';
import { CHECK_BYTES, encodeHeader, HEADER_BYTES, MAX_BACKUP_BYTES, readHeader, TAG_BYTES, type BackupHeader } from './header.ts';
import { DERIVED_BYTES, type KdfParams } from './kdf.ts';

/**
 * Sealing and opening a whole backup file, given the KDF output (`deriveBackupKey`, or the node's async
 * run of it). Salt and nonce are arguments: the core draws no randomness; callers draw both fresh per file.
 */
export interface SealInput {
  readonly kdf: KdfParams;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
  /** `DERIVED_BYTES` of KDF output for this passphrase, salt and parameters. */
  readonly derived: Uint8Array;
}

export function sealBackup(input: SealInput, plaintext: Uint8Array): Uint8Array {
  const { key, check } = split(input.derived);
  const bodyLength = plaintext.length + TAG_BYTES;
  if (HEADER_BYTES + bodyLength > MAX_BACKUP_BYTES) throw new BackupError('TooLarge', `${HEADER_BYTES + bodyLength} > ${MAX_BACKUP_BYTES} bytes`);
  const header = encodeHeader({ kdf: input.kdf, salt: input.salt, nonce: input.nonce, check, bodyLength });
  return concatBytes(header, xchacha20poly1305(key, input.nonce, header).encrypt(plaintext));
}

/**
 * Opens a file whose header `readHeader` accepted, with the KDF output for the passphrase given: a check
 * that differs is `WrongPassphrase`; with the right passphrase, any changed byte fails the tag (`Tampered`).
 */
export function openBackup(file: Uint8Array, header: BackupHeader, derived: Uint8Array): Uint8Array {
  const { key, check } = split(derived);
  if (!equalBytes(check, header.check)) throw new BackupError('WrongPassphrase', 'the passphrase does not open this backup');
  try {
    return xchacha20poly1305(key, header.nonce, header.bytes).decrypt(file.subarray(HEADER_BYTES));
  } catch (e) {
    throw new BackupError('Tampered', 'the backup was changed after it was written', { cause: e });
  }
}

export { readHeader };

function split(derived: Uint8Array): { key: Uint8Array; check: Uint8Array } {
  if (derived.length !== DERIVED_BYTES) throw new RangeError(`KDF output must be ${DERIVED_BYTES} bytes`);
  return { key: derived.subarray(0, 32), check: derived.subarray(32, 32 + CHECK_BYTES) };
}
