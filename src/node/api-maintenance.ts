import type { ContextId, FactId, PhysicalTime } from '../core/ids.ts';
import type { Identity } from './api.ts';
import type { CachesView } from './maintenance/caches-module.ts';

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

/** A context's snapshots as this device sees them (Maintenance → Snapshots). */
export interface ContextSnapshots {
  readonly context: ContextId;
  /** Its channels' names, for people. */
  readonly name: string;
  /** Messages held, compacted or not. */
  readonly messages: number;
  /** Facts this device still stores for the context (the tail). */
  readonly facts: number;
  /** The latest completed snapshot; `stored` once this device verified it against its own facts and pruned. */
  readonly latest: {
    readonly epoch: number;
    readonly covered: number;
    readonly completedAt: PhysicalTime;
    readonly stored: { readonly bytes: number; readonly pruned: number } | null;
  } | null;
  /** A proposal not completed yet. */
  readonly pending: { readonly epoch: number; readonly proposedAt: PhysicalTime } | null;
  /** A snapshot needs the context's witness group (two or more member authorities). */
  readonly canSnapshot: boolean;
}

export interface SnapshotsApi {
  list(): readonly ContextSnapshots[];
  /** Proposes a snapshot of the context up to a little before now; the witnesses verify and sign it. */
  takeSnapshot(context: ContextId): Promise<void>;
}

/** Maintenance → Caches (spec 004 §3): the guarded derived state, its floors, and the rebuild button. */
export interface CachesApi {
  view(): CachesView | null;
  /** One CacheInvalidated fact for every key at the current epoch: each device of the account rebuilds. */
  rebuildAll(): Promise<FactId>;
}
