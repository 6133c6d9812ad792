import type { Hlc } from '../../core/facts/hlc.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { Hash32, Namespace } from '../../core/ids.ts';
import { encodeSnapshot, type SnapshotBlob } from '../../core/snapshot/blob.ts';
import { buildSnapshot } from '../../core/snapshot/build.ts';
import type { NodeHost } from '../host/node-host.ts';

export type Proposal = ValidatedFact<'maint.snapshotProposed'>;

export interface Built {
  readonly blob: SnapshotBlob;
  readonly bytes: Uint8Array;
  readonly blobCid: string;
  readonly digest: Hash32;
}

/** Most builds kept: a witness judges a proposal, then stores the same blob once it completes. */
const KEEP = 4;

/**
 * Snapshot blobs this device built from its own facts, by proposal: building 100k messages costs a few hundred
 * ms, and a witness needs the same blob to sign, then to store. A cached build is used only while the journal
 * has not changed — any fact applied since may change it, so the cache keys on the data version.
 */
export class SnapshotBuilds {
  private readonly byKey = new Map<string, { version: object; built: Built }>();
  private readonly coveredBy = new Map<string, number>();

  constructor(private readonly host: NodeHost) {}

  build(ns: Namespace, epoch: number, cut: Hlc, proposalId?: string): Built {
    const key = `${ns}|${epoch}|${cut.wall}|${cut.logical}`;
    // A fresh token per data version (the host's query cache): identity changes whenever any fact applies.
    const version = this.host.cached('snapshot-builds:version', () => ({}));
    const hit = this.byKey.get(key);
    if (hit && hit.version === version) return hit.built;
    const j = this.host.journals.get(ns)!;
    const blob = buildSnapshot(ns, epoch, cut, j.facts.values(), j.state);
    const built = { blob, ...encodeSnapshot(blob) };
    this.byKey.set(key, { version, built });
    if (this.byKey.size > KEEP) this.byKey.delete(this.byKey.keys().next().value!);
    if (proposalId !== undefined) this.coveredBy.set(proposalId, blob.messages.length);
    return built;
  }

  /** Whether this device's own blob at a proposal's cut has the proposal's digest. */
  reproduces(p: Proposal): boolean {
    const { targetEpoch, cut, digest, proposalId } = p.fact.body;
    return this.build(p.fact.ns, targetEpoch, cut, proposalId).digest === digest;
  }

  /** Messages a snapshot this device built covers (0 if it never built it). */
  covered(proposalId: string): number {
    return this.coveredBy.get(proposalId) ?? 0;
  }
}
