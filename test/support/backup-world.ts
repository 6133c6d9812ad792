import { IDBFactory } from 'fake-indexeddb';
import { decodeContents, encodeContents, type BackupContents } from '../../src/core/backup/contents.ts';
import { openBackup, readHeader, sealBackup } from '../../src/core/backup/file.ts';
import { deriveBackupKey, type KdfParams } from '../../src/core/backup/kdf.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { seededRandom } from './node-net.ts';

/** Cheap KDF for tests (the format and the default cost are covered in test/core/backup-file.test.ts). */
export const TEST_KDF: KdfParams = { m: 64, t: 1, p: 1 };
export const PASS = 'a long enough passphrase';

/** A fresh profile as a new tab opens it: a device seed of its own, no identity, no network. */
export async function freshProfile(name: string, factory = new IDBFactory(), extra: Partial<NodeDeps> = {}): Promise<{ node: AuraNode; store: AuraStore; factory: IDBFactory; reopen: () => Promise<AuraNode> }> {
  const open = async () => {
    const store = await openStore(`aura-${name}`, { factory });
    return { store, node: await AuraNode.open({ profile: name, store, now: () => Date.now(), random: seededRandom(`${name}/${Math.random()}`), ...extra }) };
  };
  const { node, store } = await open();
  return { node, store, factory, reopen: async () => (await open()).node };
}

/** Opens a test backup as a restore does, to forge what an attacker with the passphrase could re-encrypt. */
export function openTestBackup(file: Uint8Array, pass = PASS): BackupContents {
  const header = readHeader(file);
  return decodeContents(openBackup(file, header, deriveBackupKey(pass, header.kdf, header.salt)));
}

export function sealTestBackup(contents: BackupContents, pass = PASS): Uint8Array {
  const salt = new Uint8Array(16).fill(3);
  return sealBackup({ kdf: TEST_KDF, salt, nonce: new Uint8Array(24).fill(4), derived: deriveBackupKey(pass, TEST_KDF, salt) }, encodeContents(contents));
}

/** What a profile holds on disk, to show a refused restore wrote nothing. */
export async function onDisk(store: AuraStore) {
  return { seed: await store.getDeviceSeed(), identity: await store.getMeta('identity'), secrets: (await store.contextSecrets()).size, facts: await store.countFacts() };
}
