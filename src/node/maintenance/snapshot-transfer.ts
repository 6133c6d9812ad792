import { journalOf, type ContextId, type Namespace } from '../../core/ids.ts';
import { MAX_SNAPSHOT_BYTES } from '../../core/limits.ts';
import type { SnapshotTransferHost } from '../../protocols/sync/sync-host.ts';
import type { StoredSnapshot } from '../../store/snapshots.ts';

/** What the transfer needs from the snapshots module. */
export interface BlobKeeper {
  /** The CID of the blob this device wants for a namespace (a counted completion it could not build), or null. */
  wanted(ns: Namespace): string | null;
  /** The CID of the blob stored for a namespace, or null. */
  stored(ns: Namespace): string | null;
  load(ns: Namespace): Promise<StoredSnapshot | undefined>;
  /** A whole blob received under a CID: verified, stored and seeded; false if refused. */
  adopt(ns: Namespace, cid: string, bytes: Uint8Array): Promise<boolean>;
}

interface Partial {
  readonly cid: string;
  readonly size: number;
  readonly parts: Uint8Array[];
  got: number;
}

/**
 * Snapshot blobs between members inside sync sessions (`protocols/sync/snapshot-transfer.ts`): this device
 * serves the blob it stores, and gathers the one it wants part by part — across sessions and peers, since the
 * CID names the bytes — until it is whole and the keeper verifies it. Nothing is trusted before that check.
 */
export class SnapshotTransfer implements SnapshotTransferHost {
  private readonly partial = new Map<Namespace, Partial>();

  constructor(private readonly keeper: BlobKeeper) {}

  wantedSnapshot(context: ContextId): { cid: string; from: number } | null {
    const ns = journalOf(context);
    const cid = this.keeper.wanted(ns);
    if (cid === null) return null;
    const p = this.partial.get(ns);
    return { cid, from: p?.cid === cid ? p.got : 0 };
  }

  async snapshotBlob(context: ContextId, cid: string): Promise<Uint8Array | null> {
    const ns = journalOf(context);
    if (this.keeper.stored(ns) !== cid) return null;
    const r = await this.keeper.load(ns);
    return r?.blobCid === cid ? r.bytes : null;
  }

  async snapshotPart(context: ContextId, cid: string, offset: number, part: Uint8Array, size: number): Promise<boolean> {
    const ns = journalOf(context);
    // Settled meanwhile (built here, or adopted from another peer): the part is no fault of the peer's.
    if (this.keeper.wanted(ns) !== cid) return true;
    if (size > MAX_SNAPSHOT_BYTES) return false;
    let p = this.partial.get(ns);
    if (offset === 0 || !p || p.cid !== cid) p = { cid, size, parts: [], got: 0 };
    if (p.size !== size || p.got !== offset) {
      this.partial.delete(ns);
      return false;
    }
    p.parts.push(part.slice());
    p.got += part.length;
    this.partial.set(ns, p);
    if (p.got < size) return true;
    this.partial.delete(ns);
    const whole = new Uint8Array(size);
    let at = 0;
    for (const b of p.parts) {
      whole.set(b, at);
      at += b.length;
    }
    return this.keeper.adopt(ns, cid, whole);
  }
}
