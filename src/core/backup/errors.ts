import { AuraError } from '../errors.ts';

/**
 * Why a backup file was refused. A file is hostile input (DESIGN §10): every refusal is one of these, and
 * nothing is written before the whole file has been opened, decoded and every fact in it verified.
 * - `Truncated`: shorter than its header says (a download cut short);
 * - `Malformed`: not an Aura backup, or bytes that break the format (bad parameters, trailing bytes, a plaintext
 *   that is not the contents schema);
 * - `UnsupportedVersion`: a format version (or a section, such as snapshots) this build cannot read;
 * - `Tampered`: the header digest or the ciphertext's tag does not match under the right passphrase;
 * - `WrongPassphrase`: the passphrase's key check does not match;
 * - `TooLarge`: beyond `MAX_BACKUP_BYTES`;
 * - `InvalidFact`: a fact inside does not validate (forged signature, wrong journal, corrupt bytes);
 * - `Inconsistent`: the contents do not describe one identity (its genesis is missing, or the device key is not one
 *   of its devices).
 */
export type BackupErrorCode = 'Truncated' | 'Malformed' | 'UnsupportedVersion' | 'Tampered' | 'WrongPassphrase' | 'TooLarge' | 'InvalidFact' | 'Inconsistent';

export class BackupError extends AuraError<BackupErrorCode> {
  override readonly name = 'BackupError';
  constructor(code: BackupErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${code}: ${message}`, options);
  }
}
