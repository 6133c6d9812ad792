// The Aura Web relay: a libp2p node that browsers reach over WebSockets. It lets them reserve a
// circuit-relay-v2 slot (so other tabs can signal WebRTC to them through it) and forwards their
// pubsub-peer-discovery announcements over gossipsub. It keeps no user data: no datastore beyond
// libp2p's in-memory default, and a fresh identity per start.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { TOPIC } from '@libp2p/pubsub-peer-discovery';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';

export const DEFAULT_RELAY_HOST = '127.0.0.1';
export const DEFAULT_RELAY_PORT = 9090;

/** The topic @libp2p/pubsub-peer-discovery announces on by default (its exported `TOPIC`). */
export const DISCOVERY_TOPIC = TOPIC;

/** A dev relay serves a few dozen tabs; libp2p's default of 15 reservations would turn tabs away. */
export const MAX_RESERVATIONS = 256;

/**
 * Limits on each relayed connection. Browsers only exchange WebRTC SDP and ICE candidates (a few KiB)
 * over it and then connect directly, but identify also runs over it, and a slow ICE gathering must not
 * cut signalling short: 1 MiB and 10 minutes leave ample room (libp2p's defaults are 128 KiB and 2 min).
 */
export const RELAYED_DATA_LIMIT = 1n << 20n;
export const RELAYED_DURATION_LIMIT_MS = 10 * 60 * 1000;

export interface RelayOptions {
  /** TCP port of the WebSocket listener; 0 picks a free one (reported in `RelayHandle.port`). */
  port?: number;
  /** Interface to listen on; loopback unless the operator deliberately exposes the relay. */
  host?: string;
}

export interface RelayStats {
  /** Open connections (browser tabs and other peers). */
  connections: number;
  /** Live circuit-relay reservations. */
  reservations: number;
  /** Peers subscribed to the discovery topic, i.e. announcing through this relay. */
  discoveryPeers: number;
}

export interface RelayHandle {
  /** Full listen multiaddrs, each ending in /p2p/<peerId>. */
  multiaddrs: string[];
  /** The ws multiaddr without /p2p/, which is what the app is given: the PeerId is learnt in the handshake. */
  address: string;
  peerId: string;
  port: number;
  stop(): Promise<void>;
  stats(): RelayStats;
}

export async function startRelay(opts: RelayOptions = {}): Promise<RelayHandle> {
  const host = opts.host ?? DEFAULT_RELAY_HOST;
  const requestedPort = opts.port ?? DEFAULT_RELAY_PORT;
  const node = await createLibp2p({
    addresses: { listen: [`/ip4/${host}/tcp/${requestedPort}/ws`] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      // Every tab of a local dev session dials from the same IP; libp2p's per-host default of
      // 5 inbound connections a second would refuse a burst of reloading tabs.
      inboundConnectionThreshold: 100,
      maxIncomingPendingConnections: 100,
      maxConnections: 1024,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: MAX_RESERVATIONS,
          defaultDataLimit: RELAYED_DATA_LIMIT,
          defaultDurationLimit: RELAYED_DURATION_LIMIT_MS,
        },
      }),
      pubsub: gossipsub({
        // Only discovery passes through the relay; ignoring other topics bounds its memory.
        allowedTopics: [DISCOVERY_TOPIC],
        // The relay is the hub every tab meshes with: keep them all in its mesh so announcements are
        // pushed to each tab rather than trickling out through lazy IHAVE gossip.
        D: 64,
        Dhi: 256,
        scoreParams: {
          // All tabs of a dev session share one IP; gossipsub's IP-colocation penalty would
          // graylist them once more than 10 are connected.
          IPColocationFactorWeight: 0,
        },
      }),
    },
  });

  // Subscribing is what makes gossipsub forward the topic: it only relays topics it is meshed in.
  node.services.pubsub.subscribe(DISCOVERY_TOPIC);

  const multiaddrs = node.getMultiaddrs().map((ma) => ma.toString());
  const listening = node.getMultiaddrs()[0];
  const portComponent = listening?.getComponents().find((c) => c.name === 'tcp');
  if (portComponent?.value === undefined) {
    await node.stop();
    throw new Error(`relay: no TCP listen address (listening on ${multiaddrs.join(', ')})`);
  }
  const port = Number(portComponent.value);

  return {
    multiaddrs,
    // A wildcard listener is reached through loopback from this machine.
    address: `/ip4/${host === '0.0.0.0' ? '127.0.0.1' : host}/tcp/${port}/ws`,
    peerId: node.peerId.toString(),
    port,
    stop: async () => {
      await node.stop();
    },
    stats: () => ({
      connections: node.getConnections().length,
      reservations: node.services.relay.reservations.size,
      discoveryPeers: node.services.pubsub.getSubscribers(DISCOVERY_TOPIC).length,
    }),
  };
}
