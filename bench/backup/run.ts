import '../../relay/polyfill.ts';
import 'fake-indexeddb/auto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { IDBFactory } from 'fake-indexeddb';
import { decodeContents } from '../../src/core/backup/contents.ts';
import { openBackup, readHeader } from '../../src/core/backup/file.ts';
import { argon2Options, BACKUP_KDF, deriveBackupKey, passphraseBytes } from '../../src/core/backup/kdf.ts';
import { validateFactWith } from '../../src/core/facts/validate.ts';
import type { Namespace } from '../../src/core/ids.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { webCryptoSigner } from '../../src/node/webcrypto-sign.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { openStore } from '../../src/store/store.ts';
import { MemoryBus, peerOn, seededRandom } from '../../test/support/node-net.ts';
import { median, report } from '../report.ts';

/**
 * `npm run bench:backup` (issue 13): backup and restore of a profile holding MESSAGES messages — a real node
 * (WebCrypto Ed25519 as in the browser, fake IndexedDB) with the default KDF cost (`BACKUP_KDF`). Beside it, in
 * the same run, the raw costs of the same work: the KDF alone, XChaCha20-Poly1305 over the same plaintext,
 * verifying every fact with the same batch verifier, and one IndexedDB transaction putting every record into a
 * bare object store. RUNS rounds; medians as JSON lines.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const PASS = 'a benchmark passphrase';
const crypto: Partial<NodeDeps> = { verify: webCryptoVerifier(), signer: (key) => webCryptoSigner(key) };

async function profileWithMessages(): Promise<AuraNode> {
  const { node } = await peerOn(new MemoryBus(), 'bench-alice', { ...crypto, syncIntervalMs: [3_600_000, 3_600_001] });
  const ch = await node.createChannel('general');
  for (let sent = 0; sent < MESSAGES; sent += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, MESSAGES - sent) }, (_, i) => node.sendMessage(ch, `message ${sent + i} `.padEnd(80, '.'))));
  }
  return node;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

/** The raw cost of one IndexedDB transaction putting these records (no index, no checks). */
async function rawPut(records: readonly { id: string; bytes: Uint8Array }[], name: string): Promise<number> {
  const factory = new IDBFactory();
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('facts', { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('facts', 'readwrite');
    for (const r of records) tx.objectStore('facts').put({ id: r.id, bytes: r.bytes });
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  const ms = performance.now() - t;
  db.close();
  return ms;
}

async function main(): Promise<void> {
  const node = await profileWithMessages();
  const facts = await node.deps.store.countFacts();
  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number) => (rows[k] ??= []).push(v);
  let size = 0;
  for (let run = 0; run < RUNS; run++) {
    const [backupMs, file] = await timed(() => node.backups.backup(PASS));
    size = file.length;
    add('backup', backupMs);
    const store = await openStore(`aura-restored-${run}`, { factory: new IDBFactory() });
    const fresh = await AuraNode.open({ profile: `restored-${run}`, store, now: () => Date.now(), random: seededRandom(`r${run}`), ...crypto });
    add('restore', (await timed(() => fresh.backups.restoreBackup(file, PASS)))[0]);

    // Baselines, on the same bytes.
    const header = readHeader(file);
    add('baseline-kdf', (await timed(() => argon2idAsync(passphraseBytes(PASS), header.salt, argon2Options(BACKUP_KDF))))[0]);
    const plain = openBackup(file, header, deriveBackupKey(PASS, header.kdf, header.salt));
    add('baseline-encrypt', (await timed(async () => xchacha20poly1305(new Uint8Array(32), new Uint8Array(24), header.bytes).encrypt(plain)))[0]);
    const contents = decodeContents(plain);
    const all = Object.entries(contents.journals).flatMap(([ns, list]) => list.map((bytes) => ({ ns: ns as Namespace, bytes })));
    const verify = webCryptoVerifier();
    const [verifyMs, validated] = await timed(() => Promise.all(all.map(({ ns, bytes }) => validateFactWith(bytes, verify, { namespace: ns }))));
    add('baseline-verify', verifyMs);
    add('baseline-idb-put', await rawPut(validated.map((v) => ({ id: v.id, bytes: v.bytes })), `raw-${run}`));
  }
  report('backup.facts', facts, 'facts');
  report('backup.file-bytes', size, 'bytes');
  for (const [k, xs] of Object.entries(rows)) report(`backup.${k}`, median(xs), 'ms');
  report('backup.baseline-backup-sum', median(rows['baseline-kdf']!) + median(rows['baseline-encrypt']!), 'ms');
  report('backup.baseline-restore-sum', median(rows['baseline-kdf']!) + median(rows['baseline-verify']!) + median(rows['baseline-idb-put']!), 'ms');
  await node.close();
}

await main();
