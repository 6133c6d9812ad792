import type { SyncOutcome } from '../protocols/sync/session.ts';
import type { SyncMetrics } from '../protocols/sync/sync-service.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { shortId } from './format.ts';
import { bytesInOut, inOut, outcomeText, progressText } from './net-text.ts';
import { useAction } from './use-action.ts';

/**
 * The network panel's view of node.syncMetrics(): sessions running with their progress, **Sync now**, and
 * the recent outcomes in the node's order (newest first).
 */
export function AntiEntropySection({ sync }: { readonly sync: SyncMetrics }) {
  const node = useNode();
  const { pending, error, clearError, run } = useAction(() => node.syncNow());
  const running = sync.running.length > 0;
  const keys = outcomeKeys(sync.recent);

  return (
    <>
      <div className="sync-head">
        <h3 className="panel-subtitle">Anti-entropy</h3>
        <button
          type="button"
          className="button"
          data-testid="sync-now"
          disabled={running || pending}
          onClick={() => void run()}
        >
          Sync now
        </button>
      </div>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      {running ? (
        <ul className="sync-running">
          {sync.running.map((s) => {
            const indeterminate = s.total === 0;
            return (
              <li key={`${s.peer} ${s.context}`}>
                <span className="sync-running-text">
                  Syncing with <span className="id" title={s.peer}>{shortId(s.peer)}</span>:{' '}
                  {progressText(s.done, s.total)}
                </span>
                <progress
                  className="sync-progress"
                  data-testid="sync-progress"
                  data-peer={s.peer}
                  data-done={s.done}
                  data-total={s.total}
                  aria-label={`Sync with device ${shortId(s.peer)}`}
                  // Without value and max a <progress> is indeterminate: nothing to count before reconciling ends.
                  value={indeterminate ? undefined : s.done}
                  max={indeterminate ? undefined : s.total}
                />
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="sync-note muted">No sync running; the node reconciles with connected peers every few seconds.</p>
      )}
      {sync.refused > 0 ? (
        <p className="sync-note muted" data-testid="sync-refused" data-count={sync.refused}>
          Refused {sync.refused} inbound {sync.refused === 1 ? 'session' : 'sessions'} (rate limit).
        </p>
      ) : null}
      {Object.keys(sync.servedFailures).length > 0 ? (
        <p className="sync-note muted" data-testid="sync-served-failures">
          Inbound sessions ended on errors:{' '}
          {Object.entries(sync.servedFailures)
            .map(([cause, n]) => `${cause} ×${n}`)
            .join(', ')}
          .
        </p>
      ) : null}

      <h3 className="panel-subtitle">Recent syncs</h3>
      {sync.recent.length === 0 ? <p className="muted">No sync has finished yet.</p> : null}
      <ol className="sync-list" data-testid="sync-list">
        {sync.recent.map((o, i) => (
          <li key={keys[i]} className="sync-row" data-testid="sync-row" data-ok={String(o.ok)}>
            <span className="id" data-testid="sync-peer" title={o.peer}>
              <span className="sr-only">Device </span>
              {shortId(o.peer)}
            </span>
            <span className={o.ok ? 'sync-outcome sync-ok' : 'sync-outcome sync-failed'} data-testid="sync-outcome">
              <span aria-hidden="true">{o.ok ? '✓ ' : '✗ '}</span>
              {outcomeText(o)}
            </span>
            <span className="sync-stats">
              <span data-testid="sync-facts">Facts {inOut(o.factsIn, o.factsOut)}</span>
              <span data-testid="sync-bytes">Bytes {bytesInOut(o)}</span>
              <span data-testid="sync-ms">{o.ms} ms</span>
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

/**
 * Stable React keys for outcomes that gain new entries at the front: numbered from the oldest end, so a
 * repeated (start, peer, context) keeps its key when newer outcomes arrive.
 */
function outcomeKeys(recent: readonly SyncOutcome[]): string[] {
  const seen = new Map<string, number>();
  const keys = new Array<string>(recent.length);
  for (let i = recent.length - 1; i >= 0; i--) {
    const o = recent[i]!;
    const base = `${o.startedAt} ${o.peer} ${o.context}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    keys[i] = `${base} ${n}`;
  }
  return keys;
}
