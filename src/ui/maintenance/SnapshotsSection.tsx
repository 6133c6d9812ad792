import type { ContextSnapshots, SnapshotEffect, SnapshotSigners } from '../../node/api-maintenance.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { formatBytes, formatDateTime, formatTime } from '../format.ts';
import { useAction } from '../use-action.ts';

/** Each context's snapshots: the latest (signed by its witnesses), what it let this device prune, and Take one now. */
export function SnapshotsSection() {
  const contexts = useNodeQuery((n) => n.snapshots.list());
  const effects = useNodeQuery((n) => n.storage.history().effects);
  return (
    <section aria-labelledby="maintenance-snapshots-title">
      <h3 id="maintenance-snapshots-title">Snapshots</h3>
      <p className="hint">A snapshot is the state of a conversation signed by its members’ witnesses; the messages it holds no longer need to be kept one by one.</p>
      {contexts.length === 0 ? <p>No conversations yet.</p> : null}
      <ul className="snapshot-list">
        {contexts.map((c) => (
          <SnapshotItem key={c.context} c={c} effect={effects.find((e) => e.context === c.context && e.epoch === c.latest?.epoch) ?? null} />
        ))}
      </ul>
    </section>
  );
}

function SnapshotItem({ c, effect }: { readonly c: ContextSnapshots; readonly effect: SnapshotEffect | null }) {
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
        {c.latest !== null ? (
          <>
            <dt>Signed by</dt>
            <dd data-testid="snapshot-signers" data-signed={c.latest.signers?.witnesses.filter((w) => w.signed).length ?? 0}>
              <Signers signers={c.latest.signers} />
            </dd>
            <dt>Storage here</dt>
            <dd data-testid="snapshot-storage">{effect === null ? 'before and after not measured on this device' : describeEffect(effect)}</dd>
          </>
        ) : null}
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

/**
 * The witnesses whose shares the commit lists, then the threshold of the witness set the signature verifies
 * under — the part the signature proves (the list is the aggregating witness's word).
 */
function Signers({ signers }: { readonly signers: SnapshotSigners | null }) {
  if (signers === null) return <>not verified on this device yet</>;
  const signed = signers.witnesses.filter((w) => w.signed);
  return (
    <>
      {signed.length === 0
        ? 'the witnesses'
        : signed.map((w, i) => (
            <span key={w.device}>
              {i > 0 ? ', ' : null}
              <span dir="auto" title={w.device}>
                {w.name}
              </span>
            </span>
          ))}
      {` at ${formatTime(signers.committedAt)}`}
      <span className="muted">
        {' '}
        — a threshold signature of {signers.threshold} of {signers.witnesses.length} witnesses ({signers.witnesses.map((w) => w.name).join(', ')})
      </span>
    </>
  );
}

/** "40 → 10 facts; 3.1 MB → 2.4 MB used": the context's facts and the browser's estimate, just before and after the prune. */
function describeEffect(e: SnapshotEffect): string {
  const facts = `${e.before.facts} → ${e.after.facts} facts`;
  return e.before.usage === null || e.after.usage === null ? facts : `${facts}; ${formatBytes(e.before.usage)} → ${formatBytes(e.after.usage)} used (browser estimate)`;
}
