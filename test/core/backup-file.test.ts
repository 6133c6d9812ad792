import { sha256 } from '@noble/hashes/sha2.js';
import { argon2id } from '@noble/hashes/argon2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContents, encodeContents, type BackupContents } from '../../src/core/backup/contents.ts';
import { BackupError } from '../../src/core/backup/errors.ts';
import { openBackup, readHeader, sealBackup } from '../../src/core/backup/file.ts';
import { HEADER_BYTES, MAGIC } from '../../src/core/backup/header.ts';
import { BACKUP_KDF, deriveBackupKey, type KdfParams } from '../../src/core/backup/kdf.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { utf8 } from '../../src/core/encoding/bytes.ts';

/** Cheap parameters for tests; the defaults are exercised once (golden check against noble directly). */
const KDF: KdfParams = { m: 8, t: 1, p: 1 };
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i);
const NONCE = Uint8Array.from({ length: 24 }, (_, i) => 100 + i);
const PASS = 'correct horse battery staple';

const contents: BackupContents = {
  createdAt: 1_760_000_000_000,
  identity: { authority: 'bafyreiauthority', name: 'Ada' },
  deviceSeed: new Uint8Array(32).fill(7),
  secrets: { ctxA: new Uint8Array(32).fill(1), ctxB: new Uint8Array(32).fill(2) },
  local: { petnames: { bafyreib: 'Bob' } },
  journals: { 'context:ctxA': [utf8.encode('fact one'), utf8.encode('fact two')], 'authority:bafyreiauthority': [utf8.encode('genesis')] },
};

function write(c: BackupContents = contents, pass = PASS, kdf = KDF): Uint8Array {
  return sealBackup({ kdf, salt: SALT, nonce: NONCE, derived: deriveBackupKey(pass, kdf, SALT) }, encodeContents(c));
}

/** The reader as the node runs it: header, KDF from the header's parameters, open, decode. */
function read(file: Uint8Array, pass = PASS): BackupContents {
  const header = readHeader(file);
  return decodeContents(openBackup(file, header, deriveBackupKey(pass, header.kdf, header.salt)));
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof BackupError) return e.code;
    throw new Error(`untyped: ${String(e)}`, { cause: e });
  }
  return 'accepted';
}

/** A header with valid digest but chosen bytes: what a hostile writer can produce (the digest is no MAC). */
function redigest(file: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const out = file.slice();
  edit(out);
  out.set(sha256(out.subarray(0, 76)).subarray(0, 16), 76);
  return out;
}

describe('backup file format', () => {
  it('round-trips the contents', () => {
    const file = write();
    expect(file.subarray(0, 8)).toEqual(MAGIC);
    expect(read(file)).toEqual(contents);
  });

  it('round-trips any contents (fast-check)', () => {
    const bytesArb = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    // Map keys as the app writes them: never "/", which canonical CBOR keeps for links.
    const key = fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== '/');
    fc.assert(
      fc.property(
        fc.record({
          createdAt: fc.nat(),
          identity: fc.record({ authority: key, name: fc.string({ minLength: 1, maxLength: 64 }) }),
          deviceSeed: bytesArb(32),
          secrets: fc.dictionary(key, bytesArb(32), { maxKeys: 4 }),
          local: fc.dictionary(key, fc.oneof(fc.string(), fc.nat(), fc.array(fc.string())), { maxKeys: 3 }),
          journals: fc.dictionary(key, fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 5 }), { maxKeys: 4 }),
        }),
        (c) => {
          expect(read(write(c))).toEqual(c);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('derives with Argon2id as documented (default parameters, against noble directly)', () => {
    const derived = deriveBackupKey('pässword', BACKUP_KDF, SALT);
    const nfc = utf8.encode('pässword'.normalize('NFC'));
    expect(derived).toEqual(argon2id(nfc, SALT, { m: BACKUP_KDF.m, t: BACKUP_KDF.t, p: BACKUP_KDF.p, dkLen: 48 }));
    // The same passphrase typed decomposed (NFD) opens the same file.
    expect(deriveBackupKey('pa\u0308ssword', BACKUP_KDF, SALT)).toEqual(derived);
  });

  it('refuses a wrong passphrase as WrongPassphrase', () => {
    expect(codeOf(() => read(write(), 'correct horse battery stapl'))).toBe('WrongPassphrase');
  });

  it('refuses every single-byte change of the header and of the body, typed', () => {
    const file = write();
    const header = new Set<string>();
    for (let i = 0; i < file.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = file.slice();
        bad[i]! ^= mask;
        const code = codeOf(() => read(bad));
        if (i < HEADER_BYTES) {
          expect(['Malformed', 'UnsupportedVersion', 'Tampered'], `byte ${i}`).toContain(code);
          header.add(code);
        } else expect(code, `byte ${i}`).toBe('Tampered');
      }
    }
    expect([...header].sort()).toEqual(['Malformed', 'Tampered', 'UnsupportedVersion']);
  });

  it('refuses the file cut at every length as Truncated, and trailing bytes as Malformed', () => {
    const file = write();
    for (let n = 0; n < file.length; n++) expect(codeOf(() => read(file.subarray(0, n))), `length ${n}`).toBe('Truncated');
    expect(codeOf(() => read(Uint8Array.of(...file, 0)))).toBe('Malformed');
  });

  it('refuses a file that is no backup, and a newer format version', () => {
    expect(codeOf(() => read(utf8.encode('{"not":"a backup"}')))).toBe('Malformed');
    expect(codeOf(() => read(redigest(write(), (b) => (b[8] = 2))))).toBe('UnsupportedVersion');
    expect(codeOf(() => read(redigest(write(), (b) => (b[9] = 7))))).toBe('UnsupportedVersion');
  });

  it('refuses hostile KDF parameters before running the KDF (a valid digest is no proof)', () => {
    const huge = redigest(write(), (b) => new DataView(b.buffer).setUint32(10, 0xffffffff));
    expect(codeOf(() => readHeader(huge))).toBe('Malformed');
    expect(codeOf(() => readHeader(redigest(write(), (b) => (b[14] = 200))))).toBe('Malformed');
    expect(codeOf(() => readHeader(redigest(write(), (b) => (b[15] = 0))))).toBe('Malformed');
    expect(codeOf(() => readHeader(redigest(write(), (b) => new DataView(b.buffer).setUint32(72, 3))))).toBe('Malformed');
  });

  it('refuses a sealed plaintext that is not the contents schema as Malformed', () => {
    const seal = (plain: Uint8Array) => sealBackup({ kdf: KDF, salt: SALT, nonce: NONCE, derived: deriveBackupKey(PASS, KDF, SALT) }, plain);
    expect(codeOf(() => read(seal(utf8.encode('plain text'))))).toBe('Malformed');
    expect(codeOf(() => read(seal(encodeCanonical({ v: 1 }))))).toBe('Malformed');
    expect(codeOf(() => read(seal(encodeCanonical({ ...contents, v: 1, deviceSeed: new Uint8Array(31) }))))).toBe('Malformed');
    expect(codeOf(() => read(seal(encodeCanonical({ ...contents, v: 1, journals: { ns: [new Uint8Array(13 * 1024)] } }))))).toBe('Malformed');
  });

  it('a snapshots section of the wrong shape is Malformed', () => {
    const plain = encodeCanonical({ ...contents, v: 1, snapshots: [{ completed: new Uint8Array(4), blob: new Uint8Array(4) }] });
    const file = sealBackup({ kdf: KDF, salt: SALT, nonce: NONCE, derived: deriveBackupKey(PASS, KDF, SALT) }, plain);
    expect(codeOf(() => read(file))).toBe('Malformed');
  });
});
