import type { ScoredPeer } from '../protocols/sync/peer-manager.ts';
import type { DeviceId } from '../core/ids.ts';
import { useNode, useNodeQuery } from '../node/hooks.ts';
import { AntiEntropySection } from './AntiEntropySection.tsx';
import { shortId } from './format.ts';
import { RELAY_GLYPH, SYNC_OFF_TEXT, TRANSPORT_TEXT, peerCount, relayText, successPercent, syncCount } from './net-text.ts';
import { ModalPanel } from './ModalPanel.tsx';

/** A peer device by its person's name (when a fact of it reached us), then its short id. */
function PeerName({ device }: { readonly device: DeviceId }) {
  const name = useNode().names.ofDevice(device);
  return (
    <span className="peer-name" data-testid="peer-name" title={device}>
      {name !== null ? <span dir="auto">{name} </span> : null}
      <span className="id muted">
        <span className="sr-only">Device </span>
        {shortId(device)}
      </span>
    </span>
  );
}

/**
 * node.network() and node.syncMetrics() in full, live: relay, each peer with how it is reached and its sync
 * score, peers the sync manager knows that are not connected, anti-entropy sessions, traffic and drops.
 */
export function NetworkPanel({ onClose }: { readonly onClose: () => void }) {
  const net = useNodeQuery((n) => n.network());
  const sync = useNodeQuery((n) => n.syncMetrics());
  const scored = new Map((sync?.peers ?? []).map((p) => [p.deviceId, p]));
  const connected = new Set(net.peers.map((p) => p.deviceId));
  const notConnected = (sync?.peers ?? []).filter((p) => !connected.has(p.deviceId));
  // Sorted so rows keep their place while counts change.
  const drops = Object.entries(net.dropped).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  return (
    <ModalPanel testId="network-panel" title="Network" onClose={onClose}>
      <p className={`net-relay relay-${net.relay}`} data-testid="net-relay" data-relay={net.relay}>
        <span className="net-glyph" aria-hidden="true">
          {RELAY_GLYPH[net.relay]}{' '}
        </span>
        {relayText(net)}
      </p>

      <h3 className="panel-subtitle">
        {peerCount(net.peers.length)}
        {notConnected.length > 0 ? <span className="muted"> · {notConnected.length} more known, not connected</span> : null}
      </h3>
      {net.peers.length === 0 && notConnected.length === 0 ? (
        <p className="muted">No peer connected. Peers appear here when another device is online.</p>
      ) : (
        <ul className="peer-list" data-testid="peer-list">
          {net.peers.map((p) => (
            <li key={`${p.deviceId} ${p.address}`} className="peer-row" data-testid="peer-row" data-transport={p.transport}>
              <PeerName device={p.deviceId} />
              <span className="peer-transport">{TRANSPORT_TEXT[p.transport]}</span>
              {sync !== null ? <PeerSync peer={scored.get(p.deviceId)} /> : null}
              <span className="peer-address id muted" data-testid="peer-address" title={p.address}>
                {p.address}
              </span>
            </li>
          ))}
          {notConnected.map((p) => (
            <li key={p.deviceId} className="peer-row not-connected" data-testid="known-peer-row" data-connected="false">
              <PeerName device={p.deviceId} />
              <span className="peer-transport muted">not connected</span>
              <PeerSync peer={p} />
            </li>
          ))}
        </ul>
      )}

      {sync === null ? (
        <p className="muted" data-testid="sync-off">
          {SYNC_OFF_TEXT}
        </p>
      ) : (
        <AntiEntropySection sync={sync} />
      )}

      <h3 className="panel-subtitle">Traffic</h3>
      <dl className="device-facts">
        <dt>Published</dt>
        <dd data-testid="net-published">{net.published}</dd>
        <dt>Received</dt>
        <dd data-testid="net-received">{net.received}</dd>
        <dt>Dropped</dt>
        <dd>
          {drops.length === 0 ? <span className="muted">nothing</span> : null}
          <ul className="drop-list" data-testid="drop-list">
            {drops.map(([reason, count]) => (
              <li key={reason} data-reason={reason} data-count={count}>
                <span className="id">{reason}</span>: {count}
              </li>
            ))}
          </ul>
        </dd>
        {Object.keys(net.observed).length > 0 ? (
          <>
            <dt>Observed topics (lab)</dt>
            <dd>
              <ul className="drop-list" data-testid="observed-list">
                {Object.entries(net.observed).map(([topic, count]) => (
                  <li key={topic} data-count={count}>
                    <span className="id">{topic}</span>: {count} sealed payloads, none readable
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
    </ModalPanel>
  );
}

/** A peer's sync score (0–100) and success rate as the node's peer manager reports them. */
function PeerSync({ peer }: { readonly peer: ScoredPeer | undefined }) {
  if (peer === undefined) {
    return (
      <span className="peer-sync muted">
        Score <span data-testid="peer-score">—</span> · <span data-testid="peer-success">—</span> (not scored yet)
      </span>
    );
  }
  return (
    <span className="peer-sync">
      Score{' '}
      <span data-testid="peer-score" data-score={peer.score}>
        {peer.score}
      </span>
      <span className="muted">/100</span> ·{' '}
      <span data-testid="peer-success" data-rate={Math.round(peer.successRate * 100)}>
        {successPercent(peer.successRate)}
      </span>{' '}
      success <span className="muted">({syncCount(peer)})</span>
    </span>
  );
}
