import type { Agreement } from '../core/consistency/agreement.ts';
import type { OptimisticIndicator } from '../core/consistency/optimistic-status.ts';
import { progress } from '../core/consistency/propagation.ts';
import type { AuthorityId, FactId } from '../core/ids.ts';
import { useNode, useNodeQuery } from '../node/hooks.ts';
import { formatDateTime, formatTime } from './format.ts';
import { describePropagation } from './status-text.ts';

interface Props {
  readonly messageId: FactId;
  readonly indicator: OptimisticIndicator;
}

const AGREEMENT_NOTE: Record<Agreement['level'], string> = {
  Provisional: 'usable now, not yet confirmed',
  SoftSafe: 'convergence certificate seen',
  Finalized: 'confirmed by consensus',
};

/** Reads exactly node.statusDetails(messageId), live: the popover updates while it is open. */
export function StatusDetailsPanel({ messageId, indicator }: Props) {
  const node = useNode();
  const details = useNodeQuery((n) => n.statusDetails(messageId), [messageId]);
  const nameOf = (a: AuthorityId) => node.names.nameOf(a);

  if (details === null) {
    return <p className="muted">{indicator}: no further details on this device.</p>;
  }
  const { agreement, propagation, acks, expected } = details;
  return (
    <dl className="status-details">
      <dt>Status</dt>
      <dd>{indicator}</dd>
      <dt>Agreement</dt>
      <dd data-testid="status-agreement">
        {agreement.level} <span className="muted">({AGREEMENT_NOTE[agreement.level]})</span>
      </dd>
      {details.finality !== null ? (
        <>
          <dt>Finalized by</dt>
          <dd data-testid="status-finality">
            {details.finality.consensusId} at {formatTime(details.finality.committedAt)}, signed by {details.finality.witnesses.join(', ') || 'the witnesses'}
          </dd>
        </>
      ) : null}
      <dt>Reached</dt>
      <dd data-testid="status-propagation">
        {describePropagation(propagation)}
        {propagation.state === 'Syncing' ? (
          <progress className="status-progress" max={1} value={progress(propagation)} aria-hidden="true" />
        ) : null}
      </dd>
      <dt>Acknowledged by</dt>
      <dd data-testid="status-acks">
        {acks.length === 0 ? (
          'no acknowledgments yet'
        ) : (
          <ul>
            {acks.map((a) => (
              <li key={a.peer}>
                <span title={a.peer} dir="auto">{nameOf(a.peer)}</span>,{' '}
                <time dateTime={new Date(a.ackedAt).toISOString()}>{formatDateTime(a.ackedAt)}</time>
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Expected</dt>
      <dd data-testid="status-expected">
        {expected.length === 0 ? (
          'nobody else in this channel'
        ) : (
          <ul>
            {expected.map((p) => (
              <li key={p}>
                <span title={p} dir="auto">{nameOf(p)}</span>
                {acks.some((a) => a.peer === p) ? (
                  <>
                    <span aria-hidden="true"> ✓</span>
                    <span className="sr-only"> (acknowledged)</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}
