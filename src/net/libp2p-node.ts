import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { privateKeyFromRaw } from '@libp2p/crypto/keys';
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { pubsubPeerDiscovery } from '@libp2p/pubsub-peer-discovery';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import type { Libp2p } from '@libp2p/interface';
import type { GossipSub } from '@libp2p/gossipsub';
import type { DeviceKey } from '../core/crypto/ed25519.ts';
import { MAX_SEALED_BYTES } from '../core/crypto/seal.ts';

/** Peers announce their addresses on the standard discovery topic, which the relay also joins and forwards. */
export const DISCOVERY_TOPIC = '_peer-discovery._p2p._pubsub';

export interface BrowserNodeOptions {
  readonly key: DeviceKey;
  /**
   * Allow ws:// and loopback addresses (development and tests, where the relay is on 127.0.0.1).
   * Production keeps libp2p's default connection gater, which refuses both.
   */
  readonly allowLocal: boolean;
  readonly discoveryIntervalMs?: number;
  /** Lab: gossip over relayed (limited) connections too, to compare the relayed path with the direct one. */
  readonly gossipOverRelay?: boolean;
  /** Lab faults: refuse connections to or from this peer (null: any connection at all, as offline). */
  readonly refuses?: (peer: string | null) => boolean;
}

/** The device's libp2p identity is its device key: PeerId = DeviceId. */
export function libp2pKey(key: DeviceKey) {
  const raw = new Uint8Array(64);
  raw.set(key.secretKey);
  raw.set(key.publicKey, 32);
  return privateKeyFromRaw(raw);
}

/** Gossipsub as every Aura node runs it. */
export function auraGossipsub(gossipOverRelay = false) {
  return gossipsub({
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    // A sealed payload is at most 64 KiB; anything larger is not ours.
    maxInboundDataLength: MAX_SEALED_BYTES + 4096,
    // Many tabs of one machine share an IP; gossipsub must not score them down for it.
    scoreParams: { IPColocationFactorWeight: 0 },
    runOnLimitedConnection: gossipOverRelay,
    // Spec 000 §4: gossip every 250–500 ms.
    heartbeatInterval: 400,
  });
}

export async function createBrowserNode(opts: BrowserNodeOptions) {
  const relayedOnly = opts.gossipOverRelay === true;
  const refuses = opts.refuses ?? (() => false);
  return createLibp2p({
    privateKey: libp2pKey(opts.key),
    // The relayed lab path has no WebRTC at all, so nothing can upgrade it to a direct connection.
    addresses: { listen: relayedOnly ? ['/p2p-circuit'] : ['/p2p-circuit', '/webrtc'] },
    transports: relayedOnly
      ? [webSockets(), circuitRelayTransport()]
      : [webSockets(), webRTC({ rtcConfiguration: { iceServers: [] } }), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Without allowLocal, libp2p's default denyDialMultiaddr (no loopback, no ws://) stays.
    connectionGater: {
      ...(opts.allowLocal ? { denyDialMultiaddr: async () => false } : {}),
      denyDialPeer: (p) => refuses(p.toString()),
      denyInboundConnection: () => refuses(null),
      denyInboundEncryptedConnection: (p) => refuses(p.toString()),
      denyOutboundEncryptedConnection: (p) => refuses(p.toString()),
    },
    peerDiscovery: [pubsubPeerDiscovery({ interval: opts.discoveryIntervalMs ?? 2_000, topics: [DISCOVERY_TOPIC], listenOnly: false })],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: auraGossipsub(opts.gossipOverRelay === true),
    },
  });
}

/** What the transport needs of a libp2p node: the browser node, or a Node one in tests. */
export type BrowserNode = Libp2p<{ pubsub: GossipSub }>;
