import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../../src/core/encoding/bytes.ts';
import type { ContextId, DeviceId } from '../../src/core/ids.ts';
import { ItemSet } from '../../src/core/sync/index.ts';
import type { FrameChannel } from '../../src/net/frame-channel.ts';
import { memoryChannelPair } from '../../src/net/memory-frames.ts';
import type { IngestResult, SyncHost } from '../../src/protocols/sync/sync-host.ts';
import type { SyncNet } from '../../src/protocols/sync/sync-net.ts';
import type { VersionFailure } from '../../src/protocols/sync/version-gate.ts';
import { PROTOCOL_VERSION, type ProtocolVersion } from '../../src/core/version.ts';

export const CONTEXT = 'ctx-session' as ContextId;
export const TOPIC = 'topic-session';

/** A fact for the protocol's purposes: 8 bytes of big-endian time, then a payload; its id is the SHA-256. */
export function fact(k: number, time: number): Uint8Array {
  const bytes = new Uint8Array(40);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(time));
  bytes.set(sha256(new TextEncoder().encode(`session-${k}`)), 8);
  return bytes;
}

export const facts = (from: number, n: number) => Array.from({ length: n }, (_, k) => fact(from + k, 1_700_000_000_000 + (from + k) * 1_000));

const timeOf = (bytes: Uint8Array): number => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0));

/**
 * A journal that holds such facts for one context: the real ItemSet, and bytes by id. `verdict` decides what
 * becomes of a received fact (stored unless it says otherwise), as a node's validation and admission would.
 */
export class Journal implements SyncHost {
  readonly set = new ItemSet();
  private readonly bytes = new Map<string, Uint8Array>();
  verdict: (f: Uint8Array) => keyof IngestResult = () => 'stored';
  /** Acks, for the protocol's purposes: "ack" followed by the key. */
  wanted: Uint8Array[] = [];
  readonly gotAcks: Uint8Array[] = [];

  constructor(
    facts: Iterable<Uint8Array>,
    readonly context: ContextId = CONTEXT,
    readonly topic = TOPIC,
  ) {
    for (const f of facts) this.add(f);
  }

  private add(f: Uint8Array): void {
    const id = sha256(f);
    if (this.set.insert({ time: timeOf(f), id })) this.bytes.set(toHex(id), f);
  }

  contextOfTopic = (topic: string) => (topic === this.topic ? this.context : undefined);
  topicOf = (context: ContextId) => (context === this.context ? this.topic : undefined);
  openProof = () => new Uint8Array(32);
  mayServe = () => true;
  sharedContexts = () => [this.context];
  items = () => this.set;
  factBytes = (_: ContextId, digests: readonly Uint8Array[]) => digests.flatMap((d) => this.bytes.get(toHex(d)) ?? []);
  /** Every fact counts as ours unless `relayed` says otherwise. */
  relayed: (f: Uint8Array) => boolean = () => false;
  pushBytes = (c: ContextId, digests: readonly Uint8Array[]) => {
    const all = this.factBytes(c, digests);
    return { ours: all.filter((f) => !this.relayed(f)), relayed: all.filter((f) => this.relayed(f)) };
  };
  ingest = async (_: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult> => {
    const r = { stored: 0, held: 0, refused: 0 };
    for (const f of facts) {
      const v = this.verdict(f);
      if (v === 'stored') this.add(f);
      r[v]++;
    }
    return r;
  };
  wantedAcks = () => this.wanted;
  acksFor = async (_: ContextId, keys: readonly Uint8Array[]) => keys.map((k) => Uint8Array.from([0xac, ...k]));
  receiveAcks = async (_: ContextId, acks: readonly Uint8Array[]) => void this.gotAcks.push(...acks);
  /**
   * Snapshot blobs, for the protocol's purposes: a blob's CID is the hex SHA-256 of its bytes. `serves` holds
   * blobs by CID; `wants` names the one to ask for; `received` collects its parts, and `adopted` it once whole
   * and matching its CID.
   */
  readonly serves = new Map<string, Uint8Array>();
  wants: string | null = null;
  received: Uint8Array[] = [];
  adopted: Uint8Array | null = null;
  wantedSnapshot = () => (this.wants === null || this.adopted ? null : { cid: this.wants, from: this.received.reduce((n, p) => n + p.length, 0) });
  snapshotBlob = async (_: ContextId, cid: string) => this.serves.get(cid) ?? null;
  snapshotPart = async (_: ContextId, cid: string, offset: number, part: Uint8Array, size: number) => {
    if (cid !== this.wants || offset !== this.received.reduce((n, p) => n + p.length, 0)) return false;
    this.received.push(part.slice());
    if (offset + part.length < size) return true;
    const whole = new Uint8Array(size);
    let at = 0;
    for (const p of this.received) whole.set(p, (at += p.length) - p.length);
    this.received = [];
    if (toHex(sha256(whole)) !== cid) return false;
    this.adopted = whole;
    return true;
  };
  /** What this journal's device runs and requires; peers' claims and refusals as the session reported them. */
  runs: ProtocolVersion = PROTOCOL_VERSION;
  requires: ProtocolVersion | null = null;
  readonly claims: [DeviceId, ProtocolVersion][] = [];
  readonly refusals: [DeviceId, VersionFailure][] = [];
  version = () => this.runs;
  requiredVersion = () => this.requires;
  peerVersion = (peer: DeviceId, v: ProtocolVersion) => void this.claims.push([peer, v]);
  refusedVersion = (peer: DeviceId, f: VersionFailure) => void this.refusals.push([peer, f]);

  ids(): string[] {
    return [...this.bytes.keys()].sort();
  }
}

/** One device's journals of several contexts, each a Journal with its own topic. */
export function devices(journals: readonly Journal[]): SyncHost {
  const of = (c: ContextId) => journals.find((j) => j.context === c)!;
  return {
    contextOfTopic: (topic) => journals.find((j) => j.topic === topic)?.context,
    topicOf: (c) => journals.find((j) => j.context === c)?.topic,
    openProof: () => new Uint8Array(32),
    mayServe: () => true,
    sharedContexts: () => journals.map((j) => j.context).sort(),
    items: (c) => of(c).set,
    factBytes: (c, digests) => of(c).factBytes(c, digests),
    pushBytes: (c, digests) => of(c).pushBytes(c, digests),
    ingest: (c, f) => of(c).ingest(c, f),
    wantedAcks: () => [],
    acksFor: async () => [],
    receiveAcks: async () => undefined,
    wantedSnapshot: (c) => of(c).wantedSnapshot(),
    snapshotBlob: (c, cid) => of(c).snapshotBlob(c, cid),
    snapshotPart: (c, cid, offset, part, size) => of(c).snapshotPart(c, cid, offset, part, size),
    version: () => PROTOCOL_VERSION,
    requiredVersion: () => null,
    peerVersion: () => undefined,
    refusedVersion: () => undefined,
  };
}

/** A channel that records the size of every frame it sends. */
export function recording(ch: FrameChannel, sizes: number[]): FrameChannel {
  return { ...ch, send: (f) => (sizes.push(f.length), ch.send(f)), stats: ch.stats };
}

/**
 * Devices linked in memory: opening a sync channel to a device hands the other end to its handler. Every
 * frame either side sends is counted in `sent`, by sender.
 */
export class MemoryLinks {
  private readonly handlers = new Map<DeviceId, (ch: FrameChannel, peer: DeviceId) => void>();
  readonly sent = new Map<DeviceId, number>();
  opened = 0;

  net(self: DeviceId, peers: readonly DeviceId[]): SyncNet {
    return {
      onSyncChannel: (h) => void this.handlers.set(self, h),
      onPeerConnected: () => undefined,
      connectedPeers: () => [...peers],
      openSync: async (peer) => this.open(self, peer),
    };
  }

  open(from: DeviceId, to: DeviceId): FrameChannel {
    this.opened++;
    const [mine, theirs] = memoryChannelPair();
    this.handlers.get(to)!(this.counting(theirs, to), from);
    return this.counting(mine, from);
  }

  private counting(ch: FrameChannel, sender: DeviceId): FrameChannel {
    return { ...ch, send: (f) => (this.sent.set(sender, (this.sent.get(sender) ?? 0) + 1), ch.send(f)), stats: ch.stats };
  }
}
