import type { Connection } from '@libp2p/interface';
import type { PeerTransport } from './transport.ts';

/**
 * How a connection carries traffic. A direct WebRTC connection has no relay limits and `/webrtc` in its
 * address (the dialer's view of it still contains `/p2p-circuit`); a limited one goes through the relay.
 */
export function connectionTransport(c: Connection): PeerTransport {
  const addr = c.remoteAddr.toString();
  if (c.limits != null) return 'relayed';
  if (addr.includes('/webrtc')) return 'webrtc';
  return addr.includes('/p2p-circuit') ? 'relayed' : 'websocket';
}

const RANK: Record<PeerTransport, number> = { webrtc: 3, websocket: 2, relayed: 1, memory: 0 };

/** The best of a peer's connections, as the UI reports it. */
export function bestConnection(conns: readonly Connection[]): Connection | undefined {
  return [...conns].filter((c) => c.status === 'open').sort((a, b) => RANK[connectionTransport(b)] - RANK[connectionTransport(a)])[0];
}
