import type { PeerId } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { DeviceKey } from '../core/crypto/ed25519.ts';
import { peerIdFromString } from '@libp2p/peer-id';
import type { ContextId, DeviceId } from '../core/ids.ts';
import { SYNC_PROTOCOL, type FrameChannel } from './frame-channel.ts';
import type { SendTicket } from './send-ticket.ts';
import { streamFrames } from './stream-frames.ts';
import { ContextChannel } from './context-channel.ts';
import { Faults, faultyFrames, type FaultChange } from './faults.ts';
import { watchLiveness } from './liveness.ts';
import { watchPage } from './page-events.ts';
import { RelayLink } from './relay-link.ts';
import { createBrowserNode, type BrowserNode } from './libp2p-node.ts';
import { bestConnection, connectionTransport } from './peer-transport.ts';
import type { NetStatus, PeerStatus, Transport } from './transport.ts';
import { TransportBase } from './transport-base.ts';

export interface Libp2pTransportOptions {
  readonly key: DeviceKey;
  /** The relay's websocket multiaddr, e.g. /ip4/127.0.0.1/tcp/9090/ws (its PeerId is learnt on dial); none in tests. */
  readonly relay: string | null;
  readonly allowLocal: boolean;
  readonly random: (n: number) => Uint8Array;
  /** Lab: raw topics to observe as a non-member. */
  readonly observe?: readonly string[];
  /** Lab: 'relayed' keeps peers on the relayed circuit instead of going direct (for comparison only). */
  readonly path?: 'direct' | 'relayed';
}

/** One WebRTC dial attempt may stall after ICE connects; give up on it after this long and retry. */
const DIAL_TIMEOUT_MS = 3_000;
const DIAL_ATTEMPTS = 4;
/** How often known peers we are not directly connected to are dialled again. */
const MAINTAIN_MS = 5_000;
/** How long the higher PeerId waits for the lower one to dial before dialling itself. */
const FALLBACK_DIAL_MS = 4_000;

/**
 * The browser's network: a libp2p node that keeps a connection to the relay (reconnecting with backoff),
 * discovers peers through it, connects to them directly over WebRTC, and gossips sealed payloads on one
 * topic per joined context.
 */
export class Libp2pTransport extends TransportBase implements Transport {
  private readonly relay: RelayLink | null;
  private readonly dialing = new Set<string>();
  private stopped = false;
  /** The browser says it is offline: no connections, no dials, until it is online again. */
  private browserOffline = false;
  private maintainTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unwatchLiveness: () => void;

  private constructor(
    private readonly node: BrowserNode,
    private readonly opts: Libp2pTransportOptions,
    faults: Faults,
  ) {
    super(faults);
    this.unwatchLiveness = watchLiveness(node);
    this.relay = opts.relay === null ? null : new RelayLink(node, { address: opts.relay, random: opts.random, paused: () => this.stopped || this.offline, changed: () => this.listeners.notify(), up: () => void this.dialKnown(true) });
  }

  static async start(opts: Libp2pTransportOptions): Promise<Libp2pTransport> {
    const faults = new Faults(opts.random);
    const node = await createBrowserNode({ key: opts.key, allowLocal: opts.allowLocal, gossipOverRelay: opts.path === 'relayed', refuses: (p) => faults.cuts(p) });
    return Libp2pTransport.over(node, opts, faults);
  }

  /**
   * Wraps a started libp2p node (the browser's, or a Node one over an in-memory transport in tests); `faults`
   * must be the ones its connection gater consults.
   */
  static over(node: BrowserNode, opts: Libp2pTransportOptions, faults = new Faults(opts.random)): Libp2pTransport {
    const t = new Libp2pTransport(node, opts, faults);
    t.wire();
    watchPage({ offline: (on) => t.setOffline(on), visible: () => t.relay?.now(), hide: () => void t.closeWhere(() => true, true) });
    for (const topic of opts.observe ?? []) t.observe(topic);
    void t.relay?.connect();
    t.maintain();
    return t;
  }

  private isRelay(peer: PeerId): boolean {
    return this.relay?.peer?.equals(peer) === true;
  }

  private get pubsub() {
    return this.node.services.pubsub;
  }

  private wire(): void {
    this.pubsub.addEventListener('message', (evt) => {
      const msg = evt.detail;
      this.receivePayload(msg.topic, msg.data, msg.type === 'signed' ? msg.from.toString() : 'unknown');
    });
    this.pubsub.addEventListener('subscription-change', (evt) => {
      for (const s of evt.detail.subscriptions) {
        const ch = this.channels.get(s.topic);
        if (ch && s.subscribe) this.topicJoined(s.topic, evt.detail.peerId.toString());
      }
    });
    this.node.addEventListener('peer:discovery', (evt) => void this.dialDirect(evt.detail.id, evt.detail.multiaddrs));
    const changed = () => this.listeners.notify();
    this.node.addEventListener('connection:open', changed);
    this.node.addEventListener('connection:close', (evt) => {
      changed();
      const relay = this.relay?.peer;
      if (relay && evt.detail.remotePeer.equals(relay) && this.node.getConnections(relay).length === 0) this.relay!.lost();
    });
    this.node.addEventListener('self:peer:update', changed);
    this.node.addEventListener('peer:connect', (evt) => {
      if (!this.isRelay(evt.detail)) this.connectedHandler(evt.detail.toString());
    });
    void this.node.handle(SYNC_PROTOCOL, (stream, connection) => this.syncHandler(this.frames(stream, connection.remotePeer.toString()), connection.remotePeer.toString()), {
      runOnLimitedConnection: this.opts.path === 'relayed',
    });
  }

  /**
   * Discovery events come once per peer; a peer that vanished and came back, or whose stale connection we
   * still hold, needs dialling again. Every few seconds, every known peer with a relayed WebRTC address
   * that we are not directly connected to gets the usual dial.
   */
  private maintain(): void {
    if (this.stopped) return;
    this.maintainTimer = setTimeout(async () => {
      if (!this.offline && this.relay?.state === 'connected') await this.dialKnown(false);
      this.maintain();
    }, MAINTAIN_MS);
  }

  /** Dials every known peer we are not directly connected to; `now` skips the higher PeerId's grace period. */
  private async dialKnown(now: boolean): Promise<void> {
    for (const p of await this.node.peerStore.all().catch(() => [])) void this.dialDirect(p.id, p.addresses.map((a) => a.multiaddr), now);
  }

  /**
   * Goes direct over the peer's relayed WebRTC address; each attempt is cut off after DIAL_TIMEOUT_MS and
   * retried. The lower PeerId dials at once, so two tabs do not race two connections; the higher one dials
   * only if, after a grace period, it is still not connected — the other side may hold a stale connection
   * to us (a WebRTC peer that vanished is noticed late) and would never dial.
   */
  private async dialDirect(peer: PeerId, addrs: readonly Multiaddr[], now = false): Promise<void> {
    const id = peer.toString();
    if (this.stopped || this.faults.cuts(id) || this.dialing.has(id) || id === this.node.peerId.toString()) return;
    if (this.isRelay(peer)) return;
    const direct = () => this.node.getConnections(peer).some((c) => connectionTransport(c) === (this.opts.path === 'relayed' ? 'relayed' : 'webrtc'));
    if (direct()) return;
    if (this.node.peerId.toString() > id && !now) {
      this.dialing.add(id);
      await new Promise((r) => setTimeout(r, FALLBACK_DIAL_MS));
      this.dialing.delete(id);
      if (this.stopped || this.faults.cuts(id) || direct()) return;
    }
    const relayed = this.opts.path === 'relayed';
    // Peer-store addresses lack the final /p2p/<peer> (their last PeerId is the relay's): add it, and dial
    // each address on its own, since one dial must not mix addresses naming different peers.
    const targets = [
      ...new Set(
        addrs
          .map((a) => a.toString().replace(new RegExp(`/p2p/${id}$`), ''))
          .filter((a) => (relayed ? /\/p2p-circuit$/ : /\/p2p-circuit\/webrtc$/).test(a))
          .map((a) => `${a}/p2p/${id}`),
      ),
    ].map((a) => multiaddr(a));
    if (targets.length === 0) return;
    this.dialing.add(id);
    try {
      for (let attempt = 0; attempt < DIAL_ATTEMPTS && !this.stopped; attempt++) {
        for (const target of targets) {
          try {
            await this.node.dial(target, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) });
            return;
          } catch {
            // Next address, then the next attempt.
          }
        }
        await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
      }
    } finally {
      this.dialing.delete(id);
      this.listeners.notify();
    }
  }

  join(context: ContextId, secret: Uint8Array): void {
    const ch = new ContextChannel(context, secret);
    if (this.channels.has(ch.topic)) return;
    this.channels.set(ch.topic, ch);
    this.pubsub.subscribe(ch.topic);
    // Peers already on the topic count as joined too: catch them up.
    for (const p of this.pubsub.getSubscribers(ch.topic)) this.topicJoined(ch.topic, p.toString());
  }

  /** Offline by the browser's word or the lab's. */
  private get offline(): boolean {
    return this.browserOffline || this.faults.current.offline;
  }

  /** The browser went offline or online. */
  setOffline(offline: boolean): void {
    const was = this.offline;
    this.browserOffline = offline;
    if (this.offline !== was) this.offlineChanged();
  }

  /**
   * Going offline drops every connection (a device without network hears nothing) and stops reconnecting;
   * coming back reconnects to the relay at once, after which discovery, direct dials and the sync service's
   * reconnect round follow.
   */
  private offlineChanged(): void {
    if (this.stopped) return;
    if (this.offline) {
      this.relay?.pause();
      void this.closeWhere(() => true);
    } else this.relay?.now();
    this.listeners.notify();
  }

  /** Lab faults changed: links to newly blocked peers close, unblocked peers are dialled at once (either PeerId). */
  protected applyFaults(change: FaultChange): void {
    if (this.stopped) return;
    if ((change.wentOffline || change.cameOnline) && !this.browserOffline) this.offlineChanged();
    if (change.newlyBlocked.length > 0) void this.closeWhere((p) => change.newlyBlocked.includes(p));
    for (const id of change.unblocked) {
      void this.node.peerStore.get(peerIdFromString(id)).then(
        (p) => this.dialDirect(p.id, p.addresses.map((a) => a.multiaddr), true),
        () => {},
      );
    }
  }

  /** Closes the connections to the peers `which` names; `abort` tears them down at once (the page is going away). */
  private async closeWhere(which: (peer: string) => boolean, abort = false): Promise<void> {
    const doomed = this.node.getConnections().filter((c) => which(c.remotePeer.toString()));
    if (abort) for (const c of doomed) c.abort(new Error('page hidden'));
    else await Promise.all(doomed.map((c) => c.close().catch(() => c.abort(new Error('link cut')))));
  }

  /** A sync channel over a stream, under the lab's latency (a cut link closes the stream with its connection). */
  private frames(stream: Parameters<typeof streamFrames>[0], peer: DeviceId): FrameChannel {
    return faultyFrames(streamFrames(stream), this.faults, () => this.faults.cuts(peer));
  }

  protected listen(topic: string, on: boolean): void {
    if (on) this.pubsub.subscribe(topic);
    else if (!this.channels.has(topic) && !this.observed.has(topic)) this.pubsub.unsubscribe(topic);
  }

  async publish(context: ContextId, facts: readonly Uint8Array[], ticket: SendTicket): Promise<void> {
    if (!this.stopped) await this.sealAndSend(context, 'facts', facts, ticket, this.opts.random);
  }

  async publishAcks(context: ContextId, acks: readonly Uint8Array[], ticket: SendTicket): Promise<void> {
    if (!this.stopped) await this.sealAndSend(context, 'acks', acks, ticket, this.opts.random);
  }

  protected async send(topic: string, payload: Uint8Array): Promise<number> {
    return (await this.pubsub.publish(topic, payload)).recipients.length;
  }

  status(): NetStatus {
    const peers: PeerStatus[] = [];
    for (const peer of this.node.getPeers()) {
      if (this.isRelay(peer)) continue;
      const c = bestConnection(this.node.getConnections(peer));
      if (c) peers.push({ deviceId: peer.toString(), transport: connectionTransport(c), address: c.remoteAddr.toString() });
    }
    peers.sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
    return { relay: this.relay?.state ?? 'disconnected', relayAddress: this.opts.relay, peers, dropped: this.drops.snapshot(), published: this.published, received: this.received, observed: Object.fromEntries(this.observed) };
  }

  private syncHandler: (ch: FrameChannel, peer: DeviceId) => void = () => {};
  private connectedHandler: (peer: DeviceId) => void = () => {};

  connectedPeers(): DeviceId[] {
    return this.status().peers.map((p) => p.deviceId);
  }

  async openSync(peer: DeviceId): Promise<FrameChannel> {
    const stream = await this.node.dialProtocol(peerIdFromString(peer), SYNC_PROTOCOL, {
      signal: AbortSignal.timeout(5_000),
      runOnLimitedConnection: this.opts.path === 'relayed',
    });
    return this.frames(stream, peer);
  }

  onSyncChannel(handler: (ch: FrameChannel, peer: DeviceId) => void): void {
    this.syncHandler = handler;
  }

  onPeerConnected(handler: (peer: DeviceId) => void): void {
    this.connectedHandler = handler;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.relay?.pause();
    this.unwatchLiveness();
    if (this.maintainTimer !== null) clearTimeout(this.maintainTimer);
    await this.node.stop();
  }
}

