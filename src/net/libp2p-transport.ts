import type { PeerId } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { DeviceKey } from '../core/crypto/ed25519.ts';
import { peerIdFromString } from '@libp2p/peer-id';
import type { ContextId, DeviceId } from '../core/ids.ts';
import { SYNC_PROTOCOL, type FrameChannel } from './frame-channel.ts';
import type { SendTicket } from './send-ticket.ts';
import { streamFrames } from './stream-frames.ts';
import type { ForwardLinks } from './forward-links.ts';
import { libp2pForwardLinks } from './libp2p-forward.ts';
import { backoffDelay } from './backoff.ts';
import { ContextChannel } from './context-channel.ts';
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
  private relayPeer: PeerId | null = null;
  private relayState: NetStatus['relay'] = 'connecting';
  private relayAttempt = 0;
  private readonly dialing = new Set<string>();
  private stopped = false;
  /** The browser says it is offline: no connections, no dials, until it is online again. */
  private offline = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private maintainTimer: ReturnType<typeof setTimeout> | null = null;
  readonly forward: ForwardLinks;

  private constructor(
    private readonly node: BrowserNode,
    private readonly opts: Libp2pTransportOptions,
  ) {
    super();
    this.forward = libp2pForwardLinks(node, opts.path === 'relayed');
  }

  static async start(opts: Libp2pTransportOptions): Promise<Libp2pTransport> {
    return Libp2pTransport.over(await createBrowserNode({ key: opts.key, allowLocal: opts.allowLocal, gossipOverRelay: opts.path === 'relayed' }), opts);
  }

  /** Wraps a started libp2p node (the browser's, or a Node one over an in-memory transport in tests). */
  static over(node: BrowserNode, opts: Libp2pTransportOptions): Libp2pTransport {
    const t = new Libp2pTransport(node, opts);
    t.wire();
    if (typeof window !== 'undefined') {
      window.addEventListener('offline', () => void t.setOffline(true));
      window.addEventListener('online', () => void t.setOffline(false));
    }
    for (const topic of opts.observe ?? []) t.observe(topic);
    if (opts.relay !== null) void t.connectRelay();
    else t.relayState = 'disconnected';
    t.maintain();
    return t;
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
      if (this.relayPeer !== null && evt.detail.remotePeer.equals(this.relayPeer) && this.node.getConnections(this.relayPeer).length === 0) {
        this.relayState = 'disconnected';
        this.scheduleRelay();
      }
    });
    this.node.addEventListener('self:peer:update', changed);
    this.node.addEventListener('peer:connect', (evt) => {
      if (!this.relayPeer?.equals(evt.detail)) this.connectedHandler(evt.detail.toString());
    });
    void this.node.handle(SYNC_PROTOCOL, (stream, connection) => this.syncHandler(streamFrames(stream), connection.remotePeer.toString()), {
      runOnLimitedConnection: this.opts.path === 'relayed',
    });
  }

  private async connectRelay(): Promise<void> {
    if (this.stopped || this.offline) return;
    this.relayState = 'connecting';
    this.listeners.notify();
    try {
      const conn = await this.node.dial(multiaddr(this.opts.relay!), { signal: AbortSignal.timeout(5_000) });
      this.relayPeer = conn.remotePeer;
      this.relayState = 'connected';
      this.relayAttempt = 0;
      this.listeners.notify();
    } catch {
      this.relayState = 'disconnected';
      this.scheduleRelay();
    }
  }

  /**
   * Discovery events come once per peer; a peer that vanished and came back, or whose stale connection we
   * still hold, needs dialling again. Every few seconds, every known peer with a relayed WebRTC address
   * that we are not directly connected to gets the usual dial.
   */
  private maintain(): void {
    if (this.stopped) return;
    this.maintainTimer = setTimeout(async () => {
      if (!this.offline && this.relayState === 'connected') {
        for (const p of await this.node.peerStore.all().catch(() => [])) void this.dialDirect(p.id, p.addresses.map((a) => a.multiaddr));
      }
      this.maintain();
    }, MAINTAIN_MS);
  }

  private scheduleRelay(): void {
    if (this.stopped || this.offline || this.timer !== null) return;
    const delay = backoffDelay(this.relayAttempt++, () => this.opts.random(1)[0]! / 256);
    this.listeners.notify();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connectRelay();
    }, delay);
  }

  /**
   * Goes direct over the peer's relayed WebRTC address; each attempt is cut off after DIAL_TIMEOUT_MS and
   * retried. The lower PeerId dials at once, so two tabs do not race two connections; the higher one dials
   * only if, after a grace period, it is still not connected — the other side may hold a stale connection
   * to us (a WebRTC peer that vanished is noticed late) and would never dial.
   */
  private async dialDirect(peer: PeerId, addrs: readonly Multiaddr[]): Promise<void> {
    const id = peer.toString();
    if (this.stopped || this.offline || this.dialing.has(id) || id === this.node.peerId.toString()) return;
    if (this.relayPeer?.equals(peer)) return;
    const direct = () => this.node.getConnections(peer).some((c) => connectionTransport(c) === (this.opts.path === 'relayed' ? 'relayed' : 'webrtc'));
    if (direct()) return;
    if (this.node.peerId.toString() > id) {
      this.dialing.add(id);
      await new Promise((r) => setTimeout(r, FALLBACK_DIAL_MS));
      this.dialing.delete(id);
      if (this.stopped || this.offline || direct()) return;
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
            // The race: a WebRTC dial that ignores its abort signal must not hold `dialing` (and so every later
            // dial of this peer) for good.
            const signal = AbortSignal.timeout(DIAL_TIMEOUT_MS);
            await Promise.race([this.node.dial(target, { signal }), new Promise((_, reject) => setTimeout(() => reject(new Error('dial stalled')), DIAL_TIMEOUT_MS + 500))]);
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

  /**
   * Going offline drops every connection (a device without network hears nothing); coming back reconnects to
   * the relay at once, after which discovery, direct dials and the sync service's reconnect round follow.
   */
  async setOffline(offline: boolean): Promise<void> {
    if (this.offline === offline || this.stopped) return;
    this.offline = offline;
    if (offline) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.relayState = 'disconnected';
      await Promise.all(this.node.getConnections().map((c) => c.close().catch(() => c.abort(new Error('offline')))));
    } else {
      this.relayAttempt = 0;
      void this.connectRelay();
    }
    this.listeners.notify();
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
      if (this.relayPeer?.equals(peer)) continue;
      const c = bestConnection(this.node.getConnections(peer));
      if (c) peers.push({ deviceId: peer.toString(), transport: connectionTransport(c), address: c.remoteAddr.toString() });
    }
    peers.sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
    return { relay: this.relayState, relayAddress: this.opts.relay, peers, dropped: this.drops.snapshot(), published: this.published, received: this.received, observed: Object.fromEntries(this.observed) };
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
    return streamFrames(stream);
  }

  onSyncChannel(handler: (ch: FrameChannel, peer: DeviceId) => void): void {
    this.syncHandler = handler;
  }

  onPeerConnected(handler: (peer: DeviceId) => void): void {
    this.connectedHandler = handler;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.maintainTimer !== null) clearTimeout(this.maintainTimer);
    await this.node.stop();
  }
}

