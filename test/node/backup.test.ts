import { describe, expect, it } from 'vitest';
import { BackupError } from '../../src/core/backup/errors.ts';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { MIN_BACKUP_PASSPHRASE, type BackupProgress } from '../../src/node/api-maintenance.ts';
import type { AuraNode } from '../../src/node/aura-node.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { freshProfile, onDisk, openTestBackup, PASS, sealTestBackup, TEST_KDF } from '../support/backup-world.ts';
import { MemoryBus, peerOn, until } from '../support/node-net.ts';

/** The same fact with one bit of its signature flipped: still canonical, well-formed, in the right journal. */
function badSignature(bytes: Uint8Array): Uint8Array {
  const fact = decodeCanonical<{ sig: Uint8Array }>(bytes);
  const sig = fact.sig.slice();
  sig[0]! ^= 1;
  return encodeCanonical({ ...fact, sig });
}

const NEVER: readonly [number, number] = [3_600_000, 3_600_001];

/** Every channel by name with its messages' authors and texts, in order: what the user sees. */
const view = (node: AuraNode) =>
  node
    .channels()
    .data.map((c) => ({ name: c.name, messages: node.messages(c.id).data.map((m) => `${m.authorName}: ${m.text}`) }))
    .sort((a, b) => a.name.localeCompare(b.name));

/** Alice with two channels of her own and one she joined from Bob, each with messages. */
async function alicesWorld() {
  const bus = new MemoryBus();
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER, backupKdf: TEST_KDF })));
  const bobs = await bob!.node.createChannel('bobs');
  await bob!.node.sendMessage(bobs, 'hello from bob');
  await alice!.node.joinChannel(bob!.node.joinCode(bobs));
  await until(() => alice!.node.messages(bobs).data.length === 1, 'alice has bob’s history');
  await alice!.node.sendMessage(bobs, 'hi bob');
  for (const name of ['general', 'random']) {
    const ch = await alice!.node.createChannel(name);
    for (let i = 0; i < 3; i++) await alice!.node.sendMessage(ch, `${name} ${i}`);
  }
  return { alice: alice!.node, bob: bob!.node };
}

async function refusal(p: Promise<unknown>): Promise<{ type: string; code: string }> {
  try {
    await p;
  } catch (e) {
    return { type: (e as Error).name, code: (e as { code: string }).code };
  }
  return { type: 'none', code: 'accepted' };
}

describe('backup and restore', () => {
  it('restores a profile with two channels, a joined one and every message, as the same identity and DeviceId', async () => {
    const { alice } = await alicesWorld();
    const before = view(alice);
    expect(before.map((c) => c.name)).toEqual(['bobs', 'general', 'random']);
    const progress: BackupProgress[] = [];
    const file = await alice.backups.backup(PASS, (p) => progress.push(p));
    expect(progress.at(-1)).toEqual({ phase: 'done', fraction: 1 });
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));

    const fresh = await freshProfile('restored');
    expect(fresh.node.identity()!).toBeNull();
    const restoredProgress: BackupProgress[] = [];
    const id = await fresh.node.backups.restoreBackup(file, PASS, (p) => restoredProgress.push(p));
    expect(id).toEqual(alice.identity());
    expect(restoredProgress.map((p) => p.phase)).toContain('verifying');
    // The node that restored closes (its key was replaced); the profile opens as Alice's device.
    expect(fresh.node.closed).toBe(true);
    const restored = await fresh.reopen();
    expect(restored.identity()).toEqual(alice.identity());
    expect(view(restored)).toEqual(before);
    // The channel secrets came back too: a join code of the joined channel is the one Alice could give.
    const bobs = restored.channels().data.find((c) => c.name === 'bobs')!;
    expect(restored.joinCode(bobs.id)).toBe(alice.joinCode(bobs.id));
    // And it writes as Alice.
    const general = restored.channels().data.find((c) => c.name === 'general')!;
    await restored.sendMessage(general.id, 'back again');
    expect(restored.messages(general.id).data.at(-1)).toMatchObject({ text: 'back again', author: alice.identity()!.authorityId, own: true });
  });

  it('a wrong passphrase is WrongPassphrase and writes nothing; the same profile then restores with the right one', async () => {
    const { alice } = await alicesWorld();
    const file = await alice.backups.backup(PASS);
    const fresh = await freshProfile('wrong-pass');
    const empty = await onDisk(fresh.store);
    expect(await refusal(fresh.node.backups.restoreBackup(file, 'not the passphrase'))).toEqual({ type: 'BackupError', code: 'WrongPassphrase' });
    expect(await onDisk(fresh.store)).toEqual(empty);
    expect(fresh.node.closed).toBe(false);
    await fresh.node.backups.restoreBackup(file, PASS);
    expect((await fresh.reopen()).identity()).toEqual(alice.identity());
  });

  it('a backup with a forged fact inside (valid passphrase, bad signature) is refused InvalidFact and writes nothing', async () => {
    const { alice } = await alicesWorld();
    const contents = openTestBackup(await alice.backups.backup(PASS));
    const [ns, list] = Object.entries(contents.journals).find(([n]) => n.startsWith('context:'))!;
    const forged = list.map((b, i) => (i === list.length - 1 ? badSignature(b) : b));
    const file = sealTestBackup({ ...contents, journals: { ...contents.journals, [ns]: forged } });
    // With the pure-JS verifier and with the platform's batch verifier the browser uses (`deps.verify`).
    for (const [name, extra] of [['forged-noble', {}], ['forged-webcrypto', { verify: webCryptoVerifier() }]] as const) {
      const fresh = await freshProfile(name, undefined, extra);
      const empty = await onDisk(fresh.store);
      const r = await refusal(fresh.node.backups.restoreBackup(file, PASS));
      expect(r).toEqual({ type: 'BackupError', code: 'InvalidFact' });
      expect(String(await fresh.node.backups.restoreBackup(file, PASS).catch((e: Error) => e.message))).toContain('BadSignature');
      expect(await onDisk(fresh.store)).toEqual(empty);
      expect(fresh.node.identity()).toBeNull();
    }
  });

  it('a profile that has an identity is refused IdentityExists, and keeps what it had', async () => {
    const { alice, bob } = await alicesWorld();
    const file = await alice.backups.backup(PASS);
    expect(await refusal(bob.backups.restoreBackup(file, PASS))).toEqual({ type: 'NodeError', code: 'IdentityExists' });
    expect(bob.identity()!.displayName).toBe('bob');
  });

  it('a passphrase shorter than the minimum is refused before anything is read', async () => {
    const { alice } = await alicesWorld();
    expect(await refusal(alice.backups.backup('x'.repeat(MIN_BACKUP_PASSPHRASE - 1)))).toEqual({ type: 'NodeError', code: 'InvalidInput' });
  });

  it('refusals are BackupErrors with a code (a truncated file)', async () => {
    const { alice } = await alicesWorld();
    const file = await alice.backups.backup(PASS);
    const fresh = await freshProfile('truncated');
    await expect(fresh.node.backups.restoreBackup(file.subarray(0, file.length - 10), PASS)).rejects.toBeInstanceOf(BackupError);
    expect(await onDisk(fresh.store)).toMatchObject({ identity: undefined, facts: 0 });
  });
});
