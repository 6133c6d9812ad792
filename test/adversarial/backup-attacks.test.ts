import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackupError } from '../../src/core/backup/errors.ts';
import { encodeSnapshot } from '../../src/core/snapshot/blob.ts';
import type { AuraNode } from '../../src/node/aura-node.ts';
import { freshProfile, onDisk, openTestBackup, PASS, sealTestBackup, TEST_KDF } from '../support/backup-world.ts';
import { peerOn, MemoryBus } from '../support/node-net.ts';
import { typedOutcomeAsync } from '../support/typed-outcome.ts';

async function aliceBackup(): Promise<{ alice: AuraNode; file: Uint8Array }> {
  const { node: alice } = await peerOn(new MemoryBus(), 'alice', { syncIntervalMs: [3_600_000, 3_600_001], backupKdf: TEST_KDF });
  const ch = await alice.createChannel('general');
  await alice.sendMessage(ch, 'hello');
  return { alice, file: await alice.backups.backup(PASS) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    if (e instanceof BackupError) return e.code;
    throw e;
  }
}

describe('a backup file is hostile input', () => {
  it('a valid fact filed under another journal is refused InvalidFact, nothing written', async () => {
    const { file } = await aliceBackup();
    const c = openTestBackup(file);
    const [ctx, facts] = Object.entries(c.journals).find(([ns]) => ns.startsWith('context:'))!;
    const moved = { ...c.journals, [ctx]: [], 'context:someoneelse': facts };
    const fresh = await freshProfile('moved');
    const empty = await onDisk(fresh.store);
    expect(await codeOf(fresh.node.backups.restoreBackup(sealTestBackup({ ...c, journals: moved }), PASS))).toBe('InvalidFact');
    expect(await onDisk(fresh.store)).toEqual(empty);
  });

  it('contents without the genesis of the identity they name are refused Inconsistent', async () => {
    const { file } = await aliceBackup();
    const c = openTestBackup(file);
    const journals = Object.fromEntries(Object.entries(c.journals).filter(([ns]) => !ns.startsWith('authority:')));
    const fresh = await freshProfile('no-genesis');
    expect(await codeOf(fresh.node.backups.restoreBackup(sealTestBackup({ ...c, journals }), PASS))).toBe('Inconsistent');
    expect(await onDisk(fresh.store)).toMatchObject({ identity: undefined, facts: 0 });
  });

  it('a device key that is not a device of the identity is refused Inconsistent (a profile every peer would refuse)', async () => {
    const { file } = await aliceBackup();
    const c = openTestBackup(file);
    const fresh = await freshProfile('other-seed');
    expect(await codeOf(fresh.node.backups.restoreBackup(sealTestBackup({ ...c, deviceSeed: new Uint8Array(32).fill(42) }), PASS))).toBe('Inconsistent');
    expect(await onDisk(fresh.store)).toMatchObject({ identity: undefined, facts: 0 });
  });

  it('a header asking the KDF for 4 GiB (with a recomputed digest) is refused before the KDF runs', async () => {
    const { file } = await aliceBackup();
    const bad = file.slice();
    new DataView(bad.buffer).setUint32(10, 0xffffffff);
    bad.set(sha256(bad.subarray(0, 76)).subarray(0, 16), 76);
    const fresh = await freshProfile('kdf-bomb');
    expect(await codeOf(fresh.node.backups.restoreBackup(bad, PASS))).toBe('Malformed');
  });

  it('a snapshot that is not its blob, or that no witnesses signed, is refused Inconsistent and nothing is written', async () => {
    const { file } = await aliceBackup();
    const c = openTestBackup(file);
    const ns = Object.keys(c.journals).find((k) => k.startsWith('context:'))!;
    const blob = encodeSnapshot({ v: 1, ns: ns as never, epoch: 1, cut: { wall: 1, logical: 0 }, prefix: '0'.repeat(64), maxWall: 1, facts: [], channels: [], authors: [], devices: [], messages: [] });
    for (const [name, snapshot] of [
      ['other-bytes', { ns, epoch: 1, blobCid: blob.blobCid, blob: new Uint8Array([1, 2, 3]) }],
      ['unsigned', { ns, epoch: 1, blobCid: blob.blobCid, blob: blob.bytes }],
    ] as const) {
      const fresh = await freshProfile(`snapshot-${name}`);
      expect(await codeOf(fresh.node.backups.restoreBackup(sealTestBackup({ ...c, snapshots: [snapshot as never] }), PASS))).toBe('Inconsistent');
      expect(await fresh.store.countFacts()).toBe(0);
      expect(await fresh.store.loadSnapshots()).toEqual([]);
    }
  });

  it('a hostile local record restores and is skipped by its owner: the profile still opens', async () => {
    const { alice, file } = await aliceBackup();
    const c = openTestBackup(file);
    const fresh = await freshProfile('hostile-local');
    await fresh.node.backups.restoreBackup(sealTestBackup({ ...c, local: { 'group-keys': { k: 'not a key package' }, contacts: [1, 2, 3], petnames: 'x' } }), PASS);
    const reopened = await fresh.reopen();
    expect(reopened.identity()).toEqual(alice.identity());
    expect(reopened.channels().data.map((ch) => ch.name)).toEqual(['general']);
  });

  it('any mutation of a valid file (flips, cuts, splices) is refused typed; never an untyped throw, never a partial write', async () => {
    const { file } = await aliceBackup();
    const fresh = await freshProfile('mutations');
    const empty = await onDisk(fresh.store);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ at: fc.nat(file.length - 1), mask: fc.integer({ min: 1, max: 255 }) }).map(({ at, mask }) => Uint8Array.from(file, (b, i) => (i === at ? b ^ mask : b))),
          fc.nat(file.length - 1).map((n) => file.subarray(0, n)),
          fc.tuple(fc.nat(file.length), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, extra]) => Uint8Array.of(...file.subarray(0, at), ...extra, ...file.subarray(at))),
        ),
        async (bad) => {
          await typedOutcomeAsync(() => fresh.node.backups.restoreBackup(bad, PASS), BackupError, ['Truncated', 'Malformed', 'UnsupportedVersion', 'Tampered', 'WrongPassphrase', 'TooLarge', 'InvalidFact', 'Inconsistent']);
          expect(await onDisk(fresh.store)).toEqual(empty);
        },
      ),
      { numRuns: 150 },
    );
  });
});
