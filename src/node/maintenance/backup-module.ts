import { argon2idAsync } from '@noble/hashes/argon2.js';
import { decodeContents, encodeContents, type BackupContents } from '../../core/backup/contents.ts';
import { BackupError } from '../../core/backup/errors.ts';
import { openBackup, readHeader, sealBackup } from '../../core/backup/file.ts';
import { argon2Options, BACKUP_KDF, passphraseBytes, SALT_BYTES, type KdfParams } from '../../core/backup/kdf.ts';
import { NONCE_BYTES } from '../../core/backup/header.ts';
import { deviceKeyFromSeed } from '../../core/crypto/ed25519.ts';
import { AuraError } from '../../core/errors.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { validateFactWith } from '../../core/facts/validate.ts';
import { verify } from '../../core/crypto/ed25519.ts';
import { authorityNamespace, type Namespace } from '../../core/ids.ts';
import { latestSnapshot } from '../../core/reduce/maintenance.ts';
import { accountMembership } from '../../core/reduce/membership.ts';
import { decodeSnapshot, SnapshotError } from '../../core/snapshot/blob.ts';
import type { StoredSnapshot } from '../../store/snapshots.ts';
import { StoreError } from '../../store/errors.ts';
import type { BackupApi, OnBackupProgress } from '../api-maintenance.ts';
import { MIN_BACKUP_PASSPHRASE } from '../api-maintenance.ts';
import { NodeError, type Identity } from '../api.ts';
import { IDENTITY_META, type NodeHost } from '../host/node-host.ts';
import { Journals } from '../journals.ts';

/**
 * The local records (not facts) that make a profile whole again, by their owners' meta keys: contacts and
 * petnames (`contacts/`), FROST key packages (`witness/group-keys.ts`). Each owner checks its record when it
 * loads it, so a hostile value is skipped there like a corrupt one. Sync evidence, acks and ceremonies in
 * flight are not kept: they are rebuilt from peers.
 */
const LOCAL_META = ['contacts', 'petnames', 'group-keys'] as const;
/** Facts verified per batch: the platform verifier runs a batch at once, and progress moves between them. */
const VERIFY_BATCH = 512;

/**
 * Backup and restore (DESIGN §8). A backup is read from the store (what is durable, not only what is in
 * memory). A restore trusts nothing in the file: header, passphrase, tag, contents schema, then every fact's
 * signature and validity, all before the one transaction that writes the profile (`store/restore.ts`).
 * It needs none of the `NodeModule` hooks (it keeps no state of its own), so it is not in the hooks list.
 */
export class BackupModule implements BackupApi {
  constructor(
    private readonly host: NodeHost,
    /** Closes the node once restored: its device key is no longer the profile's. */
    private readonly closeNode: () => Promise<void>,
  ) {}

  async backup(passphrase: string, onProgress: OnBackupProgress = () => {}): Promise<Uint8Array> {
    const me = this.host.requireIdentity();
    if (passphrase.length < MIN_BACKUP_PASSPHRASE) throw new NodeError('InvalidInput', `A backup passphrase has at least ${MIN_BACKUP_PASSPHRASE} characters.`);
    const { store, random, now } = this.host.deps;
    onProgress({ phase: 'reading', fraction: 0 });
    const [records, snapshots, secrets, seed, ...local] = await Promise.all([store.loadFacts(), store.loadSnapshots(), store.contextSecrets(), store.getDeviceSeed(), ...LOCAL_META.map((k) => store.getMeta<unknown>(k))]);
    const journals: Record<Namespace, Uint8Array[]> = {};
    for (const r of records) (journals[r.ns] ??= []).push(r.bytes);
    const contents: BackupContents = {
      createdAt: now(),
      identity: { authority: me.authorityId, name: me.displayName },
      deviceSeed: seed!,
      secrets: Object.fromEntries(secrets),
      local: Object.fromEntries(LOCAL_META.flatMap((k, i) => (local[i] === undefined ? [] : [[k, local[i]]]))),
      journals,
      ...(snapshots.length > 0 ? { snapshots: snapshots.map((r) => ({ ns: r.ns, epoch: r.epoch, blobCid: r.blobCid, blob: r.bytes })) } : {}),
    };
    const kdf = this.host.deps.backupKdf ?? BACKUP_KDF;
    const salt = random(SALT_BYTES);
    const derived = await derive(passphrase, kdf, salt, (f) => onProgress({ phase: 'deriving', fraction: 0.1 + 0.8 * f }));
    onProgress({ phase: 'encrypting', fraction: 0.9 });
    const file = sealBackup({ kdf, salt, nonce: random(NONCE_BYTES), derived }, encodeContents(contents));
    onProgress({ phase: 'done', fraction: 1 });
    return file;
  }

  async restoreBackup(file: Uint8Array, passphrase: string, onProgress: OnBackupProgress = () => {}): Promise<Identity> {
    this.host.assertOpen();
    if (this.host.identity()) throw new NodeError('IdentityExists', 'This profile already has an identity: restore into a new profile.');
    const header = readHeader(file);
    const derived = await derive(passphrase, header.kdf, header.salt, (f) => onProgress({ phase: 'deriving', fraction: 0.5 * f }));
    onProgress({ phase: 'decrypting', fraction: 0.5 });
    const contents = decodeContents(openBackup(file, header, derived));
    const facts = await this.verifyAll(contents, (f) => onProgress({ phase: 'verifying', fraction: 0.55 + 0.4 * f }));
    const snapshots = verifiedSnapshots(contents, facts);
    onProgress({ phase: 'writing', fraction: 0.95 });
    const { authority, name } = contents.identity;
    const local = LOCAL_META.flatMap((k) => (k in contents.local ? [[k, contents.local[k]] as const] : []));
    try {
      await this.host.deps.store.restoreProfile(
        { seed: contents.deviceSeed, secrets: Object.entries(contents.secrets), meta: [[IDENTITY_META, { authorityId: authority, displayName: name }], ...local], facts, snapshots },
        IDENTITY_META,
      );
    } catch (e) {
      if (e instanceof StoreError && e.code === 'ProfileNotEmpty') throw new NodeError('IdentityExists', 'This profile is not empty: restore into a new profile.');
      throw new NodeError(e instanceof StoreError && e.code === 'QuotaExceeded' ? 'StorageQuotaExceeded' : 'StorageFailed', `Could not save the restored profile: ${(e as Error).message}`);
    }
    await this.closeNode();
    onProgress({ phase: 'done', fraction: 1 });
    return { authorityId: authority, deviceId: deviceKeyFromSeed(contents.deviceSeed).deviceId, displayName: name };
  }

  /** Every fact validated in full (signature by the node's batch verifier), in the journal it is filed under. */
  private async verifyAll(contents: BackupContents, progress: (f: number) => void): Promise<ValidatedFact[]> {
    const verifier = this.host.deps.verify ?? (async (s, m, k) => verify(s, m, k));
    const all = Object.entries(contents.journals).flatMap(([ns, list]) => list.map((bytes) => ({ ns: ns as Namespace, bytes })));
    const out: ValidatedFact[] = [];
    for (let i = 0; i < all.length; i += VERIFY_BATCH) {
      const batch = all.slice(i, i + VERIFY_BATCH);
      const checked = await Promise.all(batch.map(({ ns, bytes }) => validateFactWith(bytes, verifier, { namespace: ns }).catch((e: unknown) => e)));
      for (const [j, r] of checked.entries()) {
        if (r instanceof AuraError) throw new BackupError('InvalidFact', `a fact in ${batch[j]!.ns} is refused (${r.code})`, { cause: r });
        if (r instanceof Error) throw r;
        out.push(r as ValidatedFact);
      }
      progress(Math.min(1, (i + batch.length) / all.length));
    }
    checkWhole(contents, out);
    return out;
  }
}

/**
 * The contents describe one identity this device key writes for: its genesis is there, and the key's device is
 * a device of the tree its authority journal reduces to (a mismatched seed would make a profile every peer
 * refuses). Only the authority journal is reduced here; every journal is reduced again when the profile opens.
 */
function checkWhole(contents: BackupContents, facts: readonly ValidatedFact[]): void {
  const { authority } = contents.identity;
  const ns = authorityNamespace(authority);
  const own = facts.filter((f) => f.fact.ns === ns);
  if (!own.some((f) => f.fact.kind === 'authority.genesis' && f.fact.author === authority)) throw new BackupError('Inconsistent', 'the backup does not hold the genesis of its identity');
  const journal = new Journals();
  for (const f of own) journal.apply(f);
  const devices = accountMembership(authority, journal.get(ns)!.state).devices.get(authority);
  if (!devices?.has(deviceKeyFromSeed(contents.deviceSeed).deviceId)) throw new BackupError('Inconsistent', 'the backup’s device key is not a device of its identity');
}

/**
 * Each snapshot must be the blob its CID names and be signed: its journal, reduced onto the blob, must count a
 * `maint.snapshotCompleted` for exactly that blob — which core admits only with the witnesses' verified
 * threshold commit over its digest. Anything else would restore a history nobody signed.
 */
function verifiedSnapshots(contents: BackupContents, facts: readonly ValidatedFact[]): StoredSnapshot[] {
  return (contents.snapshots ?? []).map((s) => {
    let blob;
    try {
      blob = decodeSnapshot(s.blob, s.blobCid);
    } catch (e) {
      if (e instanceof SnapshotError) throw new BackupError('Inconsistent', `a snapshot of ${s.ns} is not its blob (${e.code})`, { cause: e });
      throw e;
    }
    const journal = new Journals();
    if (blob.ns !== s.ns) throw new BackupError('Inconsistent', 'a snapshot filed under another journal');
    journal.seed(blob);
    for (const f of facts) if (f.fact.ns === s.ns) journal.apply(f);
    const latest = latestSnapshot(journal.get(s.ns)!.state.maintenance);
    if (latest?.snapshot.blobCid !== s.blobCid || latest.snapshot.epoch !== s.epoch) throw new BackupError('Inconsistent', `a snapshot of ${s.ns} its witnesses did not sign`);
    return { ns: s.ns, epoch: s.epoch, blobCid: s.blobCid, bytes: s.blob, pruned: blob.messages.length };
  });
}

/** The KDF off the main thread's critical path: noble's async Argon2id yields every few ms and reports progress. */
async function derive(passphrase: string, kdf: KdfParams, salt: Uint8Array, onProgress: (f: number) => void): Promise<Uint8Array> {
  // Told at once: noble reports its first progress only after a slice of the work.
  onProgress(0);
  return argon2idAsync(passphraseBytes(passphrase), salt, { ...argon2Options(kdf), onProgress });
}
