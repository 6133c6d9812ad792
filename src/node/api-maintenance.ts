import type { AuthorityId, ContextId, DeviceId, FactId, PhysicalTime } from '../core/ids.ts';
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
    /** Who signed it (`snapshot-signers.ts`); null while this device holds no verified commit and key for it. */
    readonly signers: SnapshotSigners | null;
  } | null;
  /** A proposal not completed yet. */
  readonly pending: { readonly epoch: number; readonly proposedAt: PhysicalTime } | null;
  /** A snapshot needs the context's witness group (two or more member authorities). */
  readonly canSnapshot: boolean;
}

/**
 * The witnesses of a completed snapshot's commit: the endorsed witness key its threshold signature verifies
 * under (participants, one device per member authority, and threshold), each marked `signed` when the commit
 * lists its share. That list is the aggregating witness's word (it is not signed); the signature itself proves
 * that at least `threshold` of `witnesses` signed.
 */
export interface SnapshotSigners {
  readonly threshold: number;
  readonly witnesses: readonly { readonly authority: AuthorityId; readonly device: DeviceId; readonly name: string; readonly signed: boolean }[];
  /** When the commit fact was written. */
  readonly committedAt: PhysicalTime;
}

export interface SnapshotsApi {
  list(): readonly ContextSnapshots[];
  /** Proposes a snapshot of the context up to a little before now; the witnesses verify and sign it. */
  takeSnapshot(context: ContextId): Promise<void>;
}

/** One reading of this device's storage (Maintenance → Storage's plot). */
export interface StorageSample {
  readonly at: PhysicalTime;
  /** The browser's estimate for the origin (bytes), null where it does not tell. */
  readonly usage: number | null;
  readonly quota: number | null;
  /** Facts held in memory (every journal's tail). */
  readonly facts: number;
  /** Bytes of the snapshot blobs stored. */
  readonly snapshotBytes: number;
}

/** What one snapshot's settling changed here: the context's facts and the origin's usage, just before and after. */
export interface SnapshotEffect {
  readonly context: ContextId;
  readonly epoch: number;
  readonly before: { readonly at: PhysicalTime; readonly facts: number; readonly usage: number | null };
  readonly after: { readonly at: PhysicalTime; readonly facts: number; readonly usage: number | null };
}

export interface StorageHistory {
  /** Oldest first, at most `MAX_STORAGE_SAMPLES`: one a minute and one after each snapshot settles. */
  readonly samples: readonly StorageSample[];
  /** Oldest first, the last few snapshots settled on this device. */
  readonly effects: readonly SnapshotEffect[];
}

export interface StorageApi {
  /** Kept in the profile's meta store, so it survives reloads (not in backups). */
  history(): StorageHistory;
}

/** Maintenance → Caches (spec 004 §3): the guarded derived state, its floors, and the rebuild button. */
export interface CachesApi {
  view(): CachesView | null;
  /** One CacheInvalidated fact for every key at the current epoch: each device of the account rebuilds. */
  rebuildAll(): Promise<FactId>;
}
