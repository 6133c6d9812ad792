import type { Identity } from './api.ts';

/**
 * Shortest passphrase accepted for a backup. The file may be copied anywhere (cloud drives, mail), and an
 * attacker holding it can guess offline at the KDF's cost: 12 characters (a few random words) keeps that out
 * of reach; shorter ones fall to a dictionary in days.
 */
export const MIN_BACKUP_PASSPHRASE = 12;

/** Where a backup or restore is: its phase and the fraction (0..1) of the whole done. */
export interface BackupProgress {
  readonly phase: 'reading' | 'deriving' | 'encrypting' | 'decrypting' | 'verifying' | 'writing' | 'done';
  readonly fraction: number;
}

export type OnBackupProgress = (p: BackupProgress) => void;

/** Encrypted backup and restore (spec 004 §7, DESIGN §8; the format: `src/core/backup/`). */
export interface BackupApi {
  /** The whole profile (identity, device key, context secrets, local records, every stored fact), encrypted. */
  backup(passphrase: string, onProgress?: OnBackupProgress): Promise<Uint8Array>;
  /**
   * Restores a backup into this profile, which must have no identity and no facts (NodeError `IdentityExists`
   * otherwise). A bad file or passphrase is a `BackupError` and writes nothing. On success this node closes:
   * its device key was replaced, so the profile must be opened again (the browser reloads the tab).
   */
  restoreBackup(file: Uint8Array, passphrase: string, onProgress?: OnBackupProgress): Promise<Identity>;
}
