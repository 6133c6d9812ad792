import type { ContextId, DeviceId } from '../core/ids.ts';
import { ContextChannel } from './context-channel.ts';
import { DropCounter } from './drop-counter.ts';
import { Listeners } from './listeners.ts';
import type { Delivery, NetStatus, Transport } from './transport.ts';

/**
 * An in-process network for several nodes in one process: topics, sealed payloads and partitions, with
 * the same sealing and drop accounting as the libp2p transport. Delivery is asynchronous (a microtask
 * later), as on a real network.
 */
export class MemoryBus {
  readonly members = new Set<MemoryTransport>();
  private readonly cut = new Set<string>();

  connect(device: DeviceId, random: (n: number) => Uint8Array): MemoryTransport {
    const t = new MemoryTransport(this, device, random);
    this.members.add(t);
    return t;
  }

  /** Cuts or heals the link between two devices. */
  partition(a: DeviceId, b: DeviceId, cut = true): void {
    const k = [a, b].sort().join('|');
    if (cut) this.cut.add(k);
    else this.cut.delete(k);
  }

  linked(a: DeviceId, b: DeviceId): boolean {
    return a !== b && !this.cut.has([a, b].sort().join('|'));
  }

  /** Raw bytes on a topic, from anyone: lets tests inject forged and foreign payloads. */
  inject(topic: string, payload: Uint8Array, from: DeviceId): void {
    for (const t of this.members) if (t.device !== from) queueMicrotask(() => t.deliverRaw(topic, payload, from));
  }

  topicPeers(t: MemoryTransport, topic: string): MemoryTransport[] {
    return [...this.members].filter((o) => o !== t && o.topics().has(topic) && this.linked(t.device, o.device));
  }
}

export class MemoryTransport implements Transport {
  private readonly channels = new Map<string, ContextChannel>();
  private readonly drops = new DropCounter();
  private readonly listeners = new Listeners();
  private deliveryHandler: (d: Delivery) => void = () => {};
  private peerJoinedHandler: (c: ContextId, p: DeviceId) => void = () => {};
  private published = 0;
  private received = 0;
  private stopped = false;

  constructor(
    private readonly bus: MemoryBus,
    readonly device: DeviceId,
    private readonly random: (n: number) => Uint8Array,
  ) {}

  topics(): Set<string> {
    return new Set(this.channels.keys());
  }

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

  async publish(context: ContextId, facts: readonly Uint8Array[]): Promise<void> {
    const ch = [...this.channels.values()].find((c) => c.context === context);
    if (!ch || this.stopped) return;
    for (const payload of ch.seal(facts, this.random)) {
      this.published++;
      for (const peer of this.bus.topicPeers(this, ch.topic)) queueMicrotask(() => peer.deliverRaw(ch.topic, payload, this.device));
    }
    this.listeners.notify();
  }

  /** Heals a partition from this side: peers sharing topics meet again. */
  rejoin(peer: DeviceId): void {
    for (const topic of this.channels.keys()) for (const p of this.bus.topicPeers(this, topic)) if (p.device === peer) queueMicrotask(() => this.peerJoined(topic, peer));
  }

  deliverRaw(topic: string, payload: Uint8Array, from: DeviceId): void {
    const ch = this.channels.get(topic);
    if (!ch || this.stopped) return;
    const opened = ch.open(payload);
    if ('drop' in opened) {
      this.countDrop(opened.drop);
      return;
    }
    this.received++;
    this.deliveryHandler({ context: ch.context, facts: opened, from });
    this.listeners.notify();
  }

  peerJoined(topic: string, peer: DeviceId): void {
    const ch = this.channels.get(topic);
    if (ch && !this.stopped) this.peerJoinedHandler(ch.context, peer);
  }

  onDelivery(handler: (d: Delivery) => void): void {
    this.deliveryHandler = handler;
  }

  onPeerJoined(handler: (context: ContextId, peer: DeviceId) => void): void {
    this.peerJoinedHandler = handler;
  }

  countDrop(reason: string): void {
    this.drops.count(reason);
    this.listeners.notify();
  }

  status(): NetStatus {
    const peers = [...this.bus.members]
      .filter((o) => o !== this && this.bus.linked(this.device, o.device))
      .map((o) => ({ deviceId: o.device, transport: 'memory' as const, address: `/memory/${o.device}` }));
    return { relay: 'connected', peers, dropped: this.drops.snapshot(), published: this.published, received: this.received, observed: {} };
  }

  subscribe(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bus.members.delete(this);
  }
}
