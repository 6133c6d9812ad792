import { useState } from 'react';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

/**
 * Maintenance → Caches: the derived state this device keeps between starts (ack summaries, reconciliation
 * reach), each key's floor and how many entries this device discarded, and one button that writes a
 * CacheInvalidated fact for every key at the current epoch. Every device of the account then discards and
 * rebuilds from its own reducer; this button only writes the fact.
 */
export function CachesSection() {
  const node = useNode();
  const view = useNodeQuery((n) => n.caches.view());
  const [error, setError] = useState<unknown>(null);
  if (view === null) return null;
  const rebuild = () => {
    setError(null);
    node.caches.rebuildAll().catch((e: unknown) => setError(e));
  };
  return (
    <section aria-labelledby="maintenance-caches-title">
      <h3 id="maintenance-caches-title">Caches</h3>
      <ul data-testid="cache-keys">
        {view.caches.map((c) => (
          <li key={c.key} data-testid="cache-key" data-key={c.key} data-floor={c.floor ?? ''}>
            <code>{c.key}</code>: {c.floor === null ? 'never invalidated' : `entries from epoch ${c.floor} and before are rebuilt`}
            {c.discarded > 0 ? ` (${c.discarded} discarded here)` : ''}
          </li>
        ))}
      </ul>
      <button type="button" className="button" data-testid="rebuild-caches" onClick={rebuild}>
        Rebuild caches on all my devices
      </button>
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
