import { useEffect, useState } from 'react';
import type { DeviceInfo } from '../../node/api.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { formatStorage } from '../format.ts';
import { StoragePlot } from './StoragePlot.tsx';

/**
 * What this device stores: facts held and the browser's storage estimate, refreshed on every change; then its
 * use over time (`node.storage.history()`, sampled by the node each minute and after each snapshot settles).
 */
export function StorageSection() {
  const node = useNode();
  const version = useNodeQuery((n) => n.version);
  const history = useNodeQuery((n) => n.storage.history());
  const [info, setInfo] = useState<DeviceInfo | null>(null);

  useEffect(() => {
    let current = true;
    node.deviceInfo().then(
      (i) => current && setInfo(i),
      () => current && setInfo(null),
    );
    return () => {
      current = false;
    };
  }, [node, version]);

  return (
    <section aria-labelledby="maintenance-storage-title">
      <h3 id="maintenance-storage-title">Storage</h3>
      {info === null ? (
        <p role="status">Loading…</p>
      ) : (
        <dl className="device-facts">
          <dt>Facts stored</dt>
          <dd data-testid="maintenance-fact-count">{info.factCount}</dd>
          <dt>Storage used</dt>
          <dd data-testid="maintenance-storage">{info.storage === null ? 'not reported by this browser' : formatStorage(info.storage.usage, info.storage.quota)}</dd>
        </dl>
      )}
      <StoragePlot samples={history.samples} />
    </section>
  );
}
