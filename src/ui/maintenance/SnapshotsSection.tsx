import type { ContextSnapshots } from '../../node/api-maintenance.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { formatBytes, formatDateTime } from '../format.ts';
import { useAction } from '../use-action.ts';

/** Each context's snapshots: the latest (signed by its witnesses), what it let this device prune, and Take one now. */
export function SnapshotsSection() {
  const contexts = useNodeQuery((n) => n.snapshots.list());
  return (
    <section aria-labelledby="maintenance-snapshots-title">
      <h3 id="maintenance-snapshots-title">Snapshots</h3>
      <p className="hint">A snapshot is the state of a conversation signed by its members’ witnesses; the messages it holds no longer need to be kept one by one.</p>
      {contexts.length === 0 ? <p>No conversations yet.</p> : null}
      <ul className="snapshot-list">
        {contexts.map((c) => (
          <SnapshotItem key={c.context} c={c} />
        ))}
      </ul>
    </section>
  );
}

function SnapshotItem({ c }: { readonly c: ContextSnapshots }) {
  const node = useNode();
  const take = useAction(() => node.snapshots.takeSnapshot(c.context));
  return (
    <li data-testid="snapshot-item" data-context={c.context}>
      <strong dir="auto">{c.name}</strong> — {c.messages} messages, {c.facts} facts stored
      <dl className="device-facts">
        <dt>Latest snapshot</dt>
        <dd data-testid="snapshot-latest" data-epoch={c.latest?.epoch ?? 0} data-stored={c.latest?.stored ? 'true' : 'false'}>
          {c.latest === null
            ? 'none yet'
            : `#${c.latest.epoch}, ${formatDateTime(c.latest.completedAt)}` +
              (c.latest.stored ? ` — ${formatBytes(c.latest.stored.bytes)}, ${c.latest.stored.pruned} facts pruned here` : ' — not verified on this device yet')}
        </dd>
        {c.pending ? (
          <>
            <dt>Pending</dt>
            <dd data-testid="snapshot-pending">#{c.pending.epoch}, proposed {formatDateTime(c.pending.proposedAt)}: the witnesses sign</dd>
          </>
        ) : null}
      </dl>
      {take.error !== null ? <ErrorAlert error={take.error} onDismiss={take.clearError} /> : null}
      <button type="button" className="button" data-testid="take-snapshot" disabled={!c.canSnapshot || take.pending} onClick={() => void take.run()}>
        Take a snapshot now
      </button>
      {!c.canSnapshot ? <span className="hint"> Needs another member’s witness.</span> : null}
    </li>
  );
}
