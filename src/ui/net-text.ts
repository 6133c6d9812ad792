import type { NetStatus, PeerTransport } from '../net/transport.ts';

type RelayState = NetStatus['relay'];

/** ● only when the relay answers; a relay still being dialled is as unusable as one that is down. */
export const RELAY_GLYPH: Record<RelayState, string> = {
  connected: '●',
  connecting: '○',
  disconnected: '○',
};

export const RELAY_TEXT: Record<RelayState, string> = {
  connected: 'Relay connected',
  connecting: 'Relay connecting…',
  disconnected: 'Relay unreachable',
};

/** How a peer is reached, in the network panel. */
export const TRANSPORT_TEXT: Record<PeerTransport, string> = {
  webrtc: 'Direct (WebRTC)',
  relayed: 'Relayed',
  websocket: 'WebSocket',
  memory: 'In memory',
};

/** The same, as one word in the header summary ("2 peers · 1 direct · 1 relayed"). */
const TRANSPORT_WORD: Record<PeerTransport, string> = {
  webrtc: 'direct',
  relayed: 'relayed',
  websocket: 'websocket',
  memory: 'in memory',
};

/** Fixed order, so the summary does not reshuffle as peers come and go. */
const TRANSPORT_ORDER: readonly PeerTransport[] = ['webrtc', 'relayed', 'websocket', 'memory'];

export function peerCount(n: number): string {
  return n === 1 ? '1 peer' : `${n} peers`;
}

/** "0 peers", "1 peer · 1 direct", "3 peers · 2 direct · 1 relayed". */
export function describePeers(peers: NetStatus['peers']): string {
  const parts = [peerCount(peers.length)];
  for (const t of TRANSPORT_ORDER) {
    const n = peers.filter((p) => p.transport === t).length;
    if (n > 0) parts.push(`${n} ${TRANSPORT_WORD[t]}`);
  }
  return parts.join(' · ');
}
