import { compareHlc, type Hlc } from '../facts/hlc.ts';
import { decodeCanonical, encodeCanonical } from '../encoding/cbor.ts';
import { cidOf } from '../encoding/cid.ts';
import { hashValue } from '../crypto/hash.ts';
import { AuraError } from '../errors.ts';
import { arr, bytes, hash32, ident, int, literal, obj, str, SchemaError } from '../facts/schema.ts';
import type { FactId, Hash32, Namespace } from '../ids.ts';
import { MAX_MESSAGE_CHARS, MAX_SNAPSHOT_BYTES } from '../limits.ts';

/**
 * A message as a snapshot keeps it: what the chat reducer holds of it, its parties by index into the blob's
 * tables (a channel's thousands of messages name a handful of authors, devices and channels).
 * [id, channel, author, device, wall, logical, text, ack (0|1)]
 */
export type CompactMessage = readonly [FactId, number, number, number, number, number, string, 0 | 1];

/**
 * The reduced state of a namespace's prefix (spec 004 §2 `SnapshotV1`'s blob): the counted facts with order
 * time at or before `cut`. Messages — the bulk — are kept as reduced records; every other counted fact whole
 * (signed canonical bytes), since the reducers of trees, memberships, groups and consensus read whole facts.
 * Facts held or refused are never in it: they stay in the tail.
 */
export interface SnapshotBlob {
  readonly v: 1;
  readonly ns: Namespace;
  readonly epoch: number;
  readonly cut: Hlc;
  /** The fact prefix: a hash of the sorted FactIds the snapshot covers (messages and whole facts). */
  readonly prefix: Hash32;
  /** Largest wall time among covered facts: proposals read it as evidence of expiry. */
  readonly maxWall: number;
  /** Whole facts, sorted by FactId. */
  readonly facts: readonly Uint8Array[];
  readonly channels: readonly FactId[];
  readonly authors: readonly string[];
  readonly devices: readonly string[];
  /** Sorted by (order time, FactId). */
  readonly messages: readonly CompactMessage[];
}

export type SnapshotErrorCode = 'Malformed' | 'TooLarge' | 'BadDigest';

export class SnapshotError extends AuraError<SnapshotErrorCode> {
  readonly name = 'SnapshotError';
}

/** The digest witnesses sign (spec 004 §2): binds the namespace, the epoch and the blob's content address. */
export function snapshotDigest(ns: Namespace, epoch: number, blobCid: string): Hash32 {
  return hashValue('aura/snapshot/v1', { ns, epoch, blobCid });
}

/** The consensus that signs a snapshot: its witnesses commit over its digest, covering the proposal fact. */
export function snapshotConsensusId(proposalId: string): string {
  return `snapshot:${proposalId}`;
}

export function prefixHash(ids: readonly FactId[]): Hash32 {
  return hashValue('aura/snapshot/prefix', ids);
}

export function encodeSnapshot(blob: SnapshotBlob): { bytes: Uint8Array; blobCid: string; digest: Hash32 } {
  const bytes = encodeCanonical(blob);
  const blobCid = cidOf(bytes);
  return { bytes, blobCid, digest: snapshotDigest(blob.ns, blob.epoch, blobCid) };
}

const u32 = int({ min: 0, max: 2 ** 32 - 1 });
const Message = (v: unknown, p: string): CompactMessage => {
  if (!Array.isArray(v) || v.length !== 8) throw new SchemaError('Malformed', `${p}: not a message record`);
  return [ident(v[0], p), u32(v[1], p), u32(v[2], p), u32(v[3], p), int({ min: 0 })(v[4], p), u32(v[5], p), str({ min: 1, max: MAX_MESSAGE_CHARS })(v[6], p), literal(0, 1)(v[7], p)];
};
/** Every list in a blob is bounded by the blob's size: an entry takes at least a few bytes. */
const many = { max: MAX_SNAPSHOT_BYTES / 4 };
const Blob = obj({
  v: literal(1),
  ns: str({ min: 1, max: 256 }),
  epoch: int({ min: 1 }),
  cut: obj({ wall: int({ min: 0 }), logical: u32 }),
  prefix: hash32,
  maxWall: int({ min: 0 }),
  facts: arr(bytes(), many),
  channels: arr(ident, many),
  authors: arr(ident, many),
  devices: arr(ident, many),
  messages: arr(Message, many),
});

/**
 * A blob from storage or a peer: it must be the one `blobCid` names (so the digest witnesses signed covers
 * exactly these bytes), decode canonically and fit the schema, with every table index in range and the cut
 * at or after each message. Anything else is a typed SnapshotError.
 */
export function decodeSnapshot(bytes: Uint8Array, blobCid: string): SnapshotBlob {
  if (bytes.length > MAX_SNAPSHOT_BYTES) throw new SnapshotError('TooLarge', `snapshot of ${bytes.length} bytes`);
  if (cidOf(bytes) !== blobCid) throw new SnapshotError('BadDigest', 'the snapshot is not the blob its digest names');
  let blob: SnapshotBlob;
  try {
    blob = Blob(decodeCanonical(bytes), 'snapshot') as SnapshotBlob;
  } catch (e) {
    if (e instanceof AuraError) throw new SnapshotError('Malformed', e.message);
    throw e;
  }
  for (const m of blob.messages) {
    if (m[1] >= blob.channels.length || m[2] >= blob.authors.length || m[3] >= blob.devices.length) throw new SnapshotError('Malformed', 'a message names no table entry');
    if (compareHlc({ wall: m[4], logical: m[5] }, blob.cut) > 0) throw new SnapshotError('Malformed', 'a message after the cut');
  }
  return blob;
}
