import { decodeCanonical, DecodeError, encodeCanonical } from '../encoding/cbor.ts';
import { MAX_FACT_BYTES, MAX_SNAPSHOT_BYTES } from '../limits.ts';
import { arr, bytes, int, literal, obj, str, SchemaError } from '../facts/schema.ts';
import type { AuthorityId, ContextId, Namespace } from '../ids.ts';
import { BackupError } from './errors.ts';

/**
 * The plaintext of a backup: canonical DAG-CBOR of
 *
 * `{ v: 1, createdAt, identity: {authority, name}, deviceSeed, secrets: {context → secret},
 *    local: {meta key → record}, journals: {namespace → [fact bytes]}, snapshots? }`
 *
 * - `deviceSeed`: the 32-byte Ed25519 seed of the device (its DeviceId comes back with it);
 * - `secrets`: every context secret the node holds (its authority journal's included);
 * - `local`: the few local records that are not facts but make the profile whole (contacts, petnames, FROST key
 *   packages); opaque here, each checked by the node module that reads it;
 * - `journals`: each namespace's stored fact bytes, exactly as signed;
 * - `snapshots` (present once a snapshot pruned a journal): each namespace's latest `{ns, epoch, blobCid, blob}`;
 *   its journal then holds the tail, and the `maint.snapshotCompleted` fact with the witnesses' commit that
 *   sign the blob's digest. The blob must be the one `blobCid` names; the node checks the signature by
 *   reducing the journal onto it before it writes anything.
 */
export const CONTENTS_VERSION = 1;
export const SEED_BYTES = 32;

export interface BackupContents {
  readonly createdAt: number;
  readonly identity: { readonly authority: AuthorityId; readonly name: string };
  readonly deviceSeed: Uint8Array;
  readonly secrets: Readonly<Record<ContextId, Uint8Array>>;
  readonly local: Readonly<Record<string, unknown>>;
  readonly journals: Readonly<Record<Namespace, readonly Uint8Array[]>>;
  readonly snapshots?: readonly BackupSnapshot[];
}

export interface BackupSnapshot {
  readonly ns: Namespace;
  readonly epoch: number;
  readonly blobCid: string;
  readonly blob: Uint8Array;
}

const Top = obj(
  {
    v: literal(CONTENTS_VERSION),
    createdAt: int(),
    identity: obj({ authority: str({ min: 1, max: 128 }), name: str({ min: 1, max: 64 }) }),
    deviceSeed: bytes({ len: SEED_BYTES }),
    secrets: record(bytes({ max: 64 })),
    local: record((v: unknown) => v),
    journals: record(factList),
  },
  { snapshots: arr(obj({ ns: str({ min: 1, max: 160 }), epoch: int({ min: 1 }), blobCid: str({ min: 1, max: 128 }), blob: bytes({ max: MAX_SNAPSHOT_BYTES }) }), { max: 4096 }) },
);

export function encodeContents(c: BackupContents): Uint8Array {
  return encodeCanonical({ v: CONTENTS_VERSION, ...c });
}

/** Decodes and checks the shape (bounded: the decoder checks every length against the input first). */
export function decodeContents(plaintext: Uint8Array): BackupContents {
  let raw: unknown;
  try {
    raw = decodeCanonical(plaintext);
  } catch (e) {
    if (e instanceof DecodeError) throw new BackupError('Malformed', `contents: ${e.message}`, { cause: e });
    throw e;
  }
  let top: ReturnType<typeof Top>;
  try {
    top = Top(raw, 'backup');
  } catch (e) {
    if (e instanceof SchemaError) throw new BackupError('Malformed', e.message, { cause: e });
    throw e;
  }
  const { v: _v, ...contents } = top;
  return contents as BackupContents;
}

function record<T>(value: (v: unknown, p: string) => T) {
  return (v: unknown, p: string): Record<string, T> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw new SchemaError(p, 'expected map');
    for (const [k, x] of Object.entries(v)) {
      str({ min: 1, max: 160 })(k, `${p} key`);
      value(x, `${p}.${k}`);
    }
    return v as Record<string, T>;
  };
}

function factList(v: unknown, p: string): Uint8Array[] {
  if (!Array.isArray(v)) throw new SchemaError(p, 'expected array');
  v.forEach((x, i) => bytes({ max: MAX_FACT_BYTES })(x, `${p}[${i}]`));
  return v as Uint8Array[];
}

