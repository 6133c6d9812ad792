import type { ContextId, DeviceId } from '../core/ids.ts';
import type { LabFaults } from './faults.ts';
import type { FrameChannel } from './frame-channel.ts';
import type { SendTicket } from './send-ticket.ts';

/** How this device reaches another, as the UI shows it. */
export type PeerTransport = 'webrtc' | 'relayed' | 'websocket' | 'memory';

export interface PeerStatus {
  readonly deviceId: DeviceId;
  readonly transport: PeerTransport;
  /** Remote multiaddr of the connection in use (for the UI and the e2e's "direct" check). */
  readonly address: string;
}

export interface NetStatus {
  readonly relay: 'disconnected' | 'connecting' | 'connected';
  /** The relay address this device dials (null: none configured), so an unreachable one can be named. */
  readonly relayAddress: string | null;
  readonly peers: readonly PeerStatus[];
  /** Counted drops of bad input, by reason; nothing bad is ever stored. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly published: number;
  readonly received: number;
  /** Lab: payloads seen on topics observed without membership (they stay sealed), by topic. */
  readonly observed: Readonly<Record<string, number>>;
}

/** A sealed batch of fact bytes for one context, as it arrived from a peer. */
export interface Delivery {
  readonly context: ContextId;
  readonly facts: readonly Uint8Array[];
  /** Signed FactAcks (core/facts/fact-ack.ts), verified by the node. */
  readonly acks: readonly Uint8Array[];
  readonly from: DeviceId;
}

/**
 * What the node needs from a network: per-context membership of a gossip topic, sealed publication,
 * and deliveries of what peers published. Implementations: libp2p in the browser (libp2p-transport.ts)
 * and an in-memory bus for tests of several nodes in one process (memory-transport.ts).
 */
export interface Transport {
  /** Starts gossiping in a context (topic and key derive from the secret). Idempotent. */
  join(context: ContextId, secret: Uint8Array): void;
  /** A joined context's new epoch secret: seals under its key from now on (the topic stays). */
  rekey(context: ContextId, secret: Uint8Array): void;
  /** Seals and publishes fact bytes to the context's topic; each payload spends a unit of the ticket. */
  publish(context: ContextId, facts: readonly Uint8Array[], ticket: SendTicket): Promise<void>;
  /** Seals and publishes acks of received facts to the context's topic, charged like facts. */
  publishAcks(context: ContextId, acks: readonly Uint8Array[], ticket: SendTicket): Promise<void>;
  /** Deliveries that opened with the context key; everything else was dropped and counted. */
  onDelivery(handler: (d: Delivery) => void): void;
  /** A peer newly shares a context with us (subscribed to its topic): a chance to catch it up. */
  onPeerJoined(handler: (context: ContextId, peer: DeviceId) => void): void;
  /** Hears raw bytes on a topic that is not a context's (rendezvous); returns the unsubscribe. */
  subscribeTopic(topic: string, handler: (payload: Uint8Array, from: DeviceId) => void): () => void;
  /** Publishes raw bytes on such a topic (size-bounded); resolves to how many peers they reached. */
  publishTopic(topic: string, payload: Uint8Array): Promise<number>;
  /** Counts a drop decided above the transport (e.g. an invalid fact inside a sealed payload). */
  countDrop(reason: string): void;
  status(): NetStatus;
  subscribe(listener: () => void): () => void;
  stop(): Promise<void>;

  /** Devices with an open connection (the relay excluded). */
  connectedPeers(): DeviceId[];
  /** A new `/aura/sync/1.0.0` channel to a connected peer. */
  openSync(peer: DeviceId): Promise<FrameChannel>;
  /** Channels peers opened to us. */
  onSyncChannel(handler: (ch: FrameChannel, peer: DeviceId) => void): void;
  /** A peer connected (first time or again): a moment to reconcile. */
  onPeerConnected(handler: (peer: DeviceId) => void): void;

  /** Lab: this tab's injected faults (`faults.ts`). */
  labFaults(): LabFaults;
  /** Lab: changes them; links are cut, or dialled again, at once. */
  setFaults(patch: Partial<LabFaults>): void;
}
