import type { ValidatedFact } from '../core/facts/fact.ts';
import type { FactKind } from '../core/facts/kinds/index.ts';
import type { DeviceId, FactId, Namespace, PhysicalTime } from '../core/ids.ts';

/**
 * One stored fact: its canonical bytes plus only the fields the `by-ns-time` index and queries need. No
 * decoded copy is kept — the bytes are the fact, and a reader validates them again (they might have been
 * tampered with on disk).
 */
export interface StoredFact {
  readonly id: FactId;
  readonly ns: Namespace;
  readonly wall: PhysicalTime;
  readonly logical: number;
  readonly device: DeviceId;
  readonly kind: FactKind;
  readonly bytes: Uint8Array;
}

/** Key of the `by-ns-time` index: namespace, then order time; IndexedDB breaks ties by primary key (FactId). */
export type NsTimeKey = [Namespace, PhysicalTime, number, DeviceId];

export function factRecord(vf: ValidatedFact): StoredFact {
  const f = vf.fact;
  return { id: vf.id, ns: f.ns, wall: f.time.wall, logical: f.time.logical, device: f.device, kind: f.kind, bytes: ownBuffer(vf.bytes) };
}

/**
 * Structured clone stores a view's whole ArrayBuffer, and encoders hand out views into shared pools (a
 * 400-byte fact can sit in an 8 KiB buffer), so a view is copied to exactly its bytes first.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Every index key of namespace `ns`: arrays sort after numbers, so [ns, []] is above any [ns, wall, …]. */
export function namespaceRange(ns: Namespace): IDBKeyRange {
  return IDBKeyRange.bound([ns], [ns, []]);
}
