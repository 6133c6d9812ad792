import type { NetStatus, PeerTransport } from '../net/transport.ts';
import type { ScoredPeer } from '../protocols/sync/peer-manager.ts';
import type { SyncOutcome } from '../protocols/sync/session.ts';
import type { DeviceId } from '../core/ids.ts';
import { formatBytes, shortId } from './format.ts';

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

/** The relay's state in words; an unreachable relay is named, so a tab dialling the wrong one says so. */
export function relayText(net: Pick<NetStatus, 'relay' | 'relayAddress'>): string {
  return net.relay === 'disconnected' && net.relayAddress !== null ? `${RELAY_TEXT.disconnected} at ${net.relayAddress}` : RELAY_TEXT[net.relay];
}

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

/** Most peer names the header lists before "+n". */
const HEADER_NAMES = 3;

/**
 * "0 peers", "1 peer (Bob) · 1 direct", "4 peers (Bob, Carol, Dana +1) · 2 direct · 2 relayed": who, then how.
 * A device whose person is not known yet (no fact of it reached us) is its short id.
 */
export function describePeers(peers: NetStatus['peers'], nameOf: (device: DeviceId) => string | null): string {
  const names = [...new Set(peers.map((p) => nameOf(p.deviceId) ?? shortId(p.deviceId)))];
  const who = names.length === 0 ? '' : ` (${names.slice(0, HEADER_NAMES).join(', ')}${names.length > HEADER_NAMES ? ` +${names.length - HEADER_NAMES}` : ''})`;
  const parts = [peerCount(peers.length) + who];
  for (const t of TRANSPORT_ORDER) {
    const n = peers.filter((p) => p.transport === t).length;
    if (n > 0) parts.push(`${n} ${TRANSPORT_WORD[t]}`);
  }
  return parts.join(' · ');
}

/** Shown in place of everything anti-entropy when the node has no sync service (syncMetrics() is null). */
export const SYNC_OFF_TEXT = 'Anti-entropy is off: this tab has no network.';

/** The node's success rate (0..1) as a whole percent. */
export function successPercent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

/** What the rate rests on: the node rates a peer it never synced with at 100%, which alone would mislead. */
export function syncCount(p: ScoredPeer): string {
  const total = p.successfulSyncs + p.failedSyncs;
  return total === 0 ? 'no syncs yet' : `${p.successfulSyncs} of ${total} ok`;
}

/** "3 in · 1 out". */
export function inOut(into: string | number, out: string | number): string {
  return `${into} in · ${out} out`;
}

export function bytesInOut(o: SyncOutcome): string {
  return inOut(formatBytes(o.bytesIn), formatBytes(o.bytesOut));
}

/** "ok", or the node's error text verbatim. */
export function outcomeText(o: SyncOutcome): string {
  return o.ok ? 'ok' : (o.error ?? 'failed');
}

/** Total 0 means the difference is still being worked out, so there is nothing to count yet. */
export function progressText(done: number, total: number): string {
  return total === 0 ? 'Reconciling…' : `${done} of ${total} facts`;
}
