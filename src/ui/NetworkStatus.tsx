import { useState } from 'react';
import { useNode, useNodeQuery } from '../node/hooks.ts';
import { lazyView } from './lazy-view.ts';
import { RELAY_GLYPH, describePeers, relayText } from './net-text.ts';

// Loaded on the first open: the header summary is all the first screen shows of the network.
const NetworkPanel = lazyView(async () => (await import('./NetworkPanel.tsx')).NetworkPanel);

/**
 * Header summary of node.network(): relay reachability and peers by transport, and "syncing" while the node
 * runs an anti-entropy session; opens the network panel.
 */
export function NetworkStatus() {
  const node = useNode();
  const net = useNodeQuery((n) => n.network());
  const syncing = useNodeQuery((n) => (n.syncMetrics()?.running.length ?? 0) > 0);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`net-status relay-${net.relay}`}
        data-testid="net-status"
        data-relay={net.relay}
        data-peers={net.peers.length}
        data-syncing={String(syncing)}
        data-observed={Object.values(net.observed).reduce((a, b) => a + b, 0)}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
      >
        <span className="net-glyph" aria-hidden="true">
          {RELAY_GLYPH[net.relay]}
        </span>{' '}
        {relayText(net)} · <span className="net-peers">{describePeers(net.peers, (d) => node.names.ofDevice(d))}</span>
        {syncing ? <span className="net-syncing"> · syncing</span> : null}
      </button>
      {open ? <NetworkPanel onClose={() => setOpen(false)} /> : null}
    </>
  );
}
