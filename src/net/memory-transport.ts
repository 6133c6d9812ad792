import type { ContextId, DeviceId } from '../core/ids.ts';
import { ContextChannel } from './context-channel.ts';
import { Faults, faultyFrames, type FaultChange } from './faults.ts';
import type { FrameChannel } from './frame-channel.ts';
import { memoryChannelPair } from './memory-frames.ts';
import type { SendTicket } from './send-ticket.ts';
import type { NetStatus, Transport } from './transport.ts';
import { TransportBase } from './transport-base.ts';

/**
 * An in-process network for several nodes in one process: topics, sealed payloads and partitions, with
 * the same sealing and drop accounting as the libp2p transport. Delivery is asynchronous (a microtask
 * later), as on a real network. Two kinds of cut: `partition` (tests) separates two devices entirely; a lab
 * fault (`setFaults`) cuts their link while gossip still reaches across through a member linked to both, as
 * gossipsub's mesh relays it.
 */
export class MemoryBus {
  readonly members = new Set<MemoryTransport>();
  private readonly byDevice = new Map<DeviceId, MemoryTransport>();
  private readonly cut = new Set<string>();
  /** Sees every emission onto the wire (a payload that reached a peer, a frame), as it happens: for tests. */
  onWire: (from: DeviceId, what: 'payload' | 'frame') => void = () => {};

  connect(device: DeviceId, random: (n: number) => Uint8Array): MemoryTransport {
    const t = new MemoryTransport(this, device, random);
    this.members.add(t);
    this.byDevice.set(device, t);
    return t;
  }

  leave(t: MemoryTransport): void {
    this.members.delete(t);
    if (this.byDevice.get(t.device) === t) this.byDevice.delete(t.device);
  }

  /** Cuts or heals the link between two devices; healing tells both ends they are connected again. */
  partition(a: DeviceId, b: DeviceId, cut = true): void {
    const k = [a, b].sort().join('|');
    if (cut) this.cut.add(k);
    else if (this.cut.delete(k)) for (const t of this.members) if (t.device === a || t.device === b) t.connected(t.device === a ? b : a);
  }

  linked(a: DeviceId, b: DeviceId): boolean {
    return a !== b && !this.cut.has([a, b].sort().join('|')) && !this.member(a)?.faults.cuts(b) && !this.member(b)?.faults.cuts(a);
  }

  member(d: DeviceId): MemoryTransport | undefined {
    return this.byDevice.get(d);
  }

  /** Raw bytes on a topic, from anyone: lets tests inject forged and foreign payloads. */
  inject(topic: string, payload: Uint8Array, from: DeviceId): void {
    for (const t of this.members) if (t.device !== from) queueMicrotask(() => t.deliverRaw(topic, payload, from));
  }

  topicPeers(t: MemoryTransport, topic: string): MemoryTransport[] {
    return [...this.members].filter((o) => o !== t && o.topics().has(topic) && this.linked(t.device, o.device));
  }

  /** Who a payload of `t` on `topic` reaches: its linked topic peers, and through them the peers a lab block separates it from. */
  reach(t: MemoryTransport, topic: string): MemoryTransport[] {
    const direct = this.topicPeers(t, topic);
    const blocked = (o: MemoryTransport) => !o.faults.current.offline && !this.cut.has([t.device, o.device].sort().join('|')) && (t.faults.cuts(o.device) || o.faults.cuts(t.device));
    const relayed = [...this.members].filter((o) => o !== t && o.topics().has(topic) && blocked(o) && direct.some((c) => this.linked(c.device, o.device)));
    return [...direct, ...relayed];
  }
}

export class MemoryTransport extends TransportBase implements Transport {
  private stopped = false;

  constructor(
    private readonly bus: MemoryBus,
    readonly device: DeviceId,
    private readonly random: (n: number) => Uint8Array,
  ) {
    super(new Faults(random));
  }

  topics(): Set<string> {
    return new Set([...this.channels.keys(), ...this.rawTopics.keys(), ...this.observed.keys()]);
  }

  /** Topics are read from `topics()` at each send: nothing to tell the bus. */
  protected listen(): void {}

  join(context: ContextId, secret: Uint8Array): void {
    const ch = new ContextChannel(context, secret);
    if (this.channels.has(ch.topic)) return;
    this.channels.set(ch.topic, ch);
    // Both ends learn of the new shared topic, as with a gossipsub subscription change.
    for (const peer of this.bus.topicPeers(this, ch.topic)) {
      queueMicrotask(() => peer.peerJoined(ch.topic, this.device));
      queueMicrotask(() => this.peerJoined(ch.topic, peer.device));
    }
  }

  async publish(context: ContextId, facts: readonly Uint8Array[], ticket: SendTicket): Promise<void> {
    if (!this.stopped) await this.sealAndSend(context, 'facts', facts, ticket, this.random);
  }

  async publishAcks(context: ContextId, acks: readonly Uint8Array[], ticket: SendTicket): Promise<void> {
    if (!this.stopped) await this.sealAndSend(context, 'acks', acks, ticket, this.random);
  }

  protected send(topic: string, payload: Uint8Array): number {
    const peers = this.bus.reach(this, topic);
    if (peers.length > 0) this.bus.onWire(this.device, 'payload');
    for (const peer of peers) queueMicrotask(() => peer.deliverRaw(topic, payload, this.device));
    return peers.length;
  }

  /** Links that came back (online again, a peer unblocked) are met again on both ends, as after a libp2p reconnect. */
  protected applyFaults(change: FaultChange): void {
    const back = change.cameOnline ? [...this.bus.members].map((o) => o.device) : change.unblocked;
    for (const peer of back) {
      const other = this.bus.member(peer);
      if (!other || !this.bus.linked(this.device, peer)) continue;
      for (const [x, y] of [[this, other], [other, this]] as const) {
        x.connected(y.device);
        x.rejoin(y.device);
      }
    }
  }

  /** Heals a partition from this side: peers sharing topics meet again. */
  rejoin(peer: DeviceId): void {
    for (const topic of this.channels.keys()) for (const p of this.bus.topicPeers(this, topic)) if (p.device === peer) queueMicrotask(() => this.peerJoined(topic, peer));
  }

  deliverRaw(topic: string, payload: Uint8Array, from: DeviceId): void {
    if (!this.stopped) this.receivePayload(topic, payload, from);
  }

  peerJoined(topic: string, peer: DeviceId): void {
    if (!this.stopped) this.topicJoined(topic, peer);
  }

  status(): NetStatus {
    const peers = [...this.bus.members]
      .filter((o) => o !== this && this.bus.linked(this.device, o.device))
      .map((o) => ({ deviceId: o.device, transport: 'memory' as const, address: `/memory/${o.device}` }));
    return { relay: 'connected', relayAddress: null, peers, dropped: this.drops.snapshot(), published: this.published, received: this.received, observed: Object.fromEntries(this.observed) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bus.leave(this);
  }

  private syncHandler: (ch: FrameChannel, peer: DeviceId) => void = () => {};
  private connectedHandler: (peer: DeviceId) => void = () => {};

  connectedPeers(): DeviceId[] {
    return [...this.bus.members].filter((o) => o !== this && this.bus.linked(this.device, o.device)).map((o) => o.device).sort();
  }

  async openSync(peer: DeviceId): Promise<FrameChannel> {
    const other = this.bus.member(peer);
    if (!other || !this.bus.linked(this.device, peer) || this.stopped) throw new Error(`not connected to ${peer}`);
    const [mine, theirs] = memoryChannelPair();
    queueMicrotask(() => other.syncHandler(this.tapped(theirs, other, this.device), this.device));
    return this.tapped(mine, this, peer);
  }

  /** A sync channel end: on the wire tap, and under the sender's faults (latency; closed once the link is cut). */
  private tapped(ch: FrameChannel, sender: MemoryTransport, peer: DeviceId): FrameChannel {
    const bus = this.bus;
    const wired: FrameChannel = {
      stats: ch.stats,
      send: (frame) => {
        bus.onWire(sender.device, 'frame');
        return ch.send(frame);
      },
      receive: () => ch.receive(),
      close: () => ch.close(),
    };
    return faultyFrames(wired, sender.faults, () => !bus.linked(sender.device, peer));
  }

  onSyncChannel(handler: (ch: FrameChannel, peer: DeviceId) => void): void {
    this.syncHandler = handler;
  }

  onPeerConnected(handler: (peer: DeviceId) => void): void {
    this.connectedHandler = handler;
  }

  /** A healed link: both ends see a (re)connection, as after a libp2p reconnect. */
  connected(peer: DeviceId): void {
    if (!this.stopped) queueMicrotask(() => this.connectedHandler(peer));
  }
}
