import type { ContextId, DeviceId } from '../../core/ids.ts';
import type { ItemSet } from '../../core/sync/index.ts';
import type { ProtocolVersion } from '../../core/version.ts';
import type { VersionFailure } from './version-gate.ts';

/**
 * What became of a batch of received facts: `stored` are in the journal now (new or already known), `held`
 * are valid but wait (for a membership fact, or for their time to come), `refused` are invalid or
 * unauthorized. Only a batch stored whole is evidence that the receiver holds it.
 */
export interface IngestResult {
  readonly stored: number;
  readonly held: number;
  readonly refused: number;
}

/** What the sync protocol needs from the node's journals. Implemented by the node; nothing here does I/O. */
export interface SyncHost {
  contextOfTopic(topic: string): ContextId | undefined;
  topicOf(context: ContextId): string | undefined;
  /** What we open a session with: proof that we hold the context's secret, for this peer only. */
  openProof(context: ContextId, peer: DeviceId): Uint8Array | undefined;
  /**
   * Whether to serve the peer: a proven device of a member of the context, or a device that proved it holds
   * the context's secret (a member that has just joined, whose binding we have not seen yet).
   */
  mayServe(context: ContextId, peer: DeviceId, proof: Uint8Array): boolean;
  /** Contexts to reconcile with the peer device, sorted: where it is a member, or is on the context's topic. */
  sharedContexts(device: DeviceId): ContextId[];
  items(context: ContextId): ItemSet;
  /** The canonical bytes of the facts with these id digests that this device holds. */
  factBytes(context: ContextId, digests: readonly Uint8Array[]): Uint8Array[];
  /**
   * The facts with these id digests, as what we push: `ours` (written by our authority: a push of them stored
   * whole is the evidence behind their Propagation) and `relayed` (others' facts: the peer may rightly hold or
   * refuse one, say a future-stamped fact, and that is no fault of the session).
   */
  pushBytes(context: ContextId, digests: readonly Uint8Array[]): { readonly ours: Uint8Array[]; readonly relayed: Uint8Array[] };
  /** Validates, admits and commits received facts, like gossip deliveries, and says what became of them. */
  ingest(context: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult>;
  /** Keys of our own facts that asked for acks and still lack one from the peer's authority (bounded). */
  wantedAcks(context: ContextId, peer: DeviceId): Uint8Array[];
  /** Our signed acks for the facts with these keys that we hold and that asked for acks from us. */
  acksFor(context: ContextId, keys: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /** Verifies and records acks, like gossip deliveries. */
  receiveAcks(context: ContextId, acks: readonly Uint8Array[]): Promise<void>;
  /**
   * The blob of the latest completed snapshot of the context that this device counts but does not hold (it
   * could not build the same bytes: it joined after the covered facts were pruned): its CID and how many of
   * its bytes have already arrived. Null when there is nothing to ask for.
   */
  wantedSnapshot(context: ContextId): { readonly cid: string; readonly from: number } | null;
  /** The stored snapshot blob of the context with this CID, to serve to a member; null if not held here. */
  snapshotBlob(context: ContextId, cid: string): Promise<Uint8Array | null>;
  /**
   * A part of a wanted blob at `offset` (parts arrive in order), of `size` bytes in all. Once whole, the host
   * verifies the blob against its CID and the counted completion, stores it and seeds it. False: refused.
   */
  snapshotPart(context: ContextId, cid: string, offset: number, part: Uint8Array, size: number): Promise<boolean>;
  /** The protocol version this device advertises. */
  version(): ProtocolVersion;
  /** The least version this device's account requires now (an activated upgrade past its fence), or null. */
  requiredVersion(): ProtocolVersion | null;
  /** A peer's advertised version, seen as a session opened (a claim, shown on the Maintenance screen). */
  peerVersion(peer: DeviceId, v: ProtocolVersion): void;
  /** A session not run over versions, either side: the node counts it (`upgrade:<failure>`). */
  refusedVersion(peer: DeviceId, failure: VersionFailure): void;
}

/** The snapshot parts of a sync host: blobs asked for, served and received (the node's snapshots module). */
export type SnapshotTransferHost = Pick<SyncHost, 'wantedSnapshot' | 'snapshotBlob' | 'snapshotPart'>;

/** The version parts of a sync host: what this device runs, requires, and hears peers claim. */
export type VersionPolicy = Pick<SyncHost, 'version' | 'requiredVersion' | 'peerVersion' | 'refusedVersion'>;
