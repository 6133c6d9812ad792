import { equalBytes } from '@noble/curves/utils.js';
import { contextTopic, syncOpenProof } from '../../core/crypto/context-keys.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { journalOf, type AuthorityId, type ContextId, type DeviceId } from '../../core/ids.ts';
import { mayWrite, type ContextMembers } from '../../core/reduce/membership.ts';
import { factIdOf, ItemSet, syncItemOf } from '../../core/sync/index.ts';
import type { IngestResult, SnapshotTransferHost, SyncHost, VersionPolicy } from '../../protocols/sync/sync-host.ts';
import type { ProtocolVersion } from '../../core/version.ts';
import type { VersionFailure } from '../../protocols/sync/version-gate.ts';
import type { Journals } from '../journals.ts';

export interface JournalAccess {
  readonly journals: Journals;
  /** This device. */
  readonly device: DeviceId;
  /** This device's authority, once it has an identity. */
  authority(): AuthorityId | undefined;
  secrets(): ReadonlyMap<ContextId, Uint8Array>;
  /** The secret sessions prove: a group's newest epoch's (the others name the topic). */
  proofSecret(context: ContextId): Uint8Array | undefined;
  /** Devices seen on a context's gossip topic. */
  topicPeers(context: ContextId): ReadonlySet<DeviceId>;
  membersOf(context: ContextId): ContextMembers;
  ingest(context: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult>;
  wantedAcks(context: ContextId, peer: DeviceId): Uint8Array[];
  acksFor(context: ContextId, keys: readonly Uint8Array[]): Promise<Uint8Array[]>;
  receiveAcks(context: ContextId, acks: readonly Uint8Array[]): Promise<void>;
  /** What this device runs and requires (the upgrades module). */
  readonly versions: VersionPolicy;
  /** Snapshot blobs asked for, served and received (the snapshots module). */
  readonly snapshots: SnapshotTransferHost;
}

/**
 * The node's journals as the sync protocol sees them: per-context item sets kept up to date as facts are
 * applied (built on first use), topics, membership checks, and fact bytes by id digest.
 */
export class JournalSyncHost implements SyncHost {
  private readonly sets = new Map<ContextId, ItemSet>();
  private topics = new Map<string, ContextId>();

  constructor(private readonly access: JournalAccess) {}

  /** Keeps a built item set current; called for every fact applied to a context journal. */
  noteApplied(context: ContextId, f: ValidatedFact): void {
    this.sets.get(context)?.insert(syncItemOf(f.id, f.fact.time.wall));
  }

  contextOfTopic(topic: string): ContextId | undefined {
    if (!this.topics.has(topic)) this.topics = new Map([...this.access.secrets()].map(([c, s]) => [contextTopic(s), c]));
    return this.topics.get(topic);
  }

  topicOf(context: ContextId): string | undefined {
    const s = this.access.secrets().get(context);
    return s && contextTopic(s);
  }

  openProof(context: ContextId, peer: DeviceId): Uint8Array | undefined {
    const s = this.access.proofSecret(context);
    return s && syncOpenProof(s, this.access.device, peer);
  }

  /** A member's device, or one proving the newest secret; never a device of someone a group removed or left out. */
  mayServe(context: ContextId, peer: DeviceId, proof: Uint8Array): boolean {
    if (this.access.membersOf(context).excluded?.has(peer)) return false;
    if (this.isMemberDevice(context, peer)) return true;
    const s = this.access.proofSecret(context);
    return s !== undefined && equalBytes(proof, syncOpenProof(s, peer, this.access.device));
  }

  sharedContexts(device: DeviceId): ContextId[] {
    const shared = (c: ContextId) => !this.access.membersOf(c).excluded?.has(device) && (this.isMemberDevice(c, device) || this.access.topicPeers(c).has(device));
    return [...this.access.secrets().keys()].filter(shared).sort();
  }

  private isMemberDevice(context: ContextId, device: DeviceId): boolean {
    const m = this.access.membersOf(context);
    for (const a of m.devices.keys()) if (mayWrite(m, a, device)) return true;
    return false;
  }

  /** Facts of the context were pruned: its item set is built again on next use. */
  forget(context: ContextId): void {
    this.sets.delete(context);
  }

  items(context: ContextId): ItemSet {
    let set = this.sets.get(context);
    if (!set) {
      const facts = this.access.journals.get(journalOf(context))?.facts.values() ?? [];
      set = ItemSet.from([...facts].map((f) => syncItemOf(f.id, f.fact.time.wall)));
      this.sets.set(context, set);
    }
    return set;
  }

  factBytes(context: ContextId, digests: readonly Uint8Array[]): Uint8Array[] {
    return this.facts(context, digests).map((f) => f.bytes);
  }

  pushBytes(context: ContextId, digests: readonly Uint8Array[]): { ours: Uint8Array[]; relayed: Uint8Array[] } {
    const me = this.access.authority();
    const ours: Uint8Array[] = [];
    const relayed: Uint8Array[] = [];
    for (const f of this.facts(context, digests)) (f.fact.author === me ? ours : relayed).push(f.bytes);
    return { ours, relayed };
  }

  /** The facts with these id digests that we hold, each once, in the order asked. */
  private facts(context: ContextId, digests: readonly Uint8Array[]): ValidatedFact[] {
    const j = this.access.journals.get(journalOf(context));
    if (!j) return [];
    const out: ValidatedFact[] = [];
    const seen = new Set<string>();
    for (const d of digests) {
      const hex = toHex(d);
      if (seen.has(hex)) continue;
      seen.add(hex);
      const f = j.facts.get(factIdOf(d));
      if (f) out.push(f);
    }
    return out;
  }


  ingest(context: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult> {
    return this.access.ingest(context, facts);
  }

  wantedAcks(context: ContextId, peer: DeviceId): Uint8Array[] {
    return this.access.wantedAcks(context, peer);
  }

  acksFor(context: ContextId, keys: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return this.access.acksFor(context, keys);
  }

  receiveAcks(context: ContextId, acks: readonly Uint8Array[]): Promise<void> {
    return this.access.receiveAcks(context, acks);
  }

  wantedSnapshot(context: ContextId): { readonly cid: string; readonly from: number } | null {
    return this.access.snapshots.wantedSnapshot(context);
  }

  snapshotBlob(context: ContextId, cid: string): Promise<Uint8Array | null> {
    return this.access.snapshots.snapshotBlob(context, cid);
  }

  snapshotPart(context: ContextId, cid: string, offset: number, part: Uint8Array, size: number): Promise<boolean> {
    return this.access.snapshots.snapshotPart(context, cid, offset, part, size);
  }

  version(): ProtocolVersion {
    return this.access.versions.version();
  }

  requiredVersion(): ProtocolVersion | null {
    return this.access.versions.requiredVersion();
  }

  peerVersion(peer: DeviceId, v: ProtocolVersion): void {
    this.access.versions.peerVersion(peer, v);
  }

  refusedVersion(peer: DeviceId, failure: VersionFailure): void {
    this.access.versions.refusedVersion(peer, failure);
  }
}
