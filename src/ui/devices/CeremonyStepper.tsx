import type { EnrollmentCeremony } from '../../core/rendezvous/enrollment.ts';
import { formatTime } from '../format.ts';

const STEPS = [
  { key: 'Preparing', label: 'Waiting for the other device' },
  { key: 'PendingEpoch', label: 'Key package sent and confirmed' },
  { key: 'Committing', label: 'Adding the device to the account' },
  { key: 'Committed', label: 'Committed' },
] as const;

/** A short, comparable fingerprint of a device: both screens show it, so the person can check they match. */
export function deviceFingerprint(device: string): string {
  return device.slice(-8).toUpperCase().replace(/(.{4})/, '$1 ');
}

/**
 * A ceremony's CeremonyStatus as a stepper (DESIGN §7): Preparing → PendingEpoch (k of n responses) →
 * Committing → Committed, or where it stopped and why. Everything shown comes from the node's state.
 */
export function CeremonyStepper({ ceremony }: { readonly ceremony: EnrollmentCeremony }) {
  const { state } = ceremony;
  const at = STEPS.findIndex((s) => s.key === state.type);
  const ended = state.type === 'Aborted' || state.type === 'Superseded';
  return (
    <div className="ceremony" data-testid="ceremony" data-state={state.type} data-ceremony={ceremony.id}>
      <ol className="ceremony-steps" aria-label="Ceremony progress">
        {STEPS.map((s, i) => {
          const done = !ended && (i < at || state.type === 'Committed');
          const current = !ended && i === at && state.type !== 'Committed';
          return (
            <li key={s.key} className={done ? 'done' : current ? 'current' : ''} aria-current={current ? 'step' : undefined}>
              {done ? '✓ ' : current ? '… ' : ''}
              {s.label}
              {s.key === 'PendingEpoch' && state.type === 'PendingEpoch' ? ` (${state.receivedResponses} of ${state.requiredResponses})` : null}
            </li>
          );
        })}
      </ol>
      {ceremony.peer !== null ? (
        <p className="hint">
          Other device: <strong data-testid="ceremony-peer">{deviceFingerprint(ceremony.peer)}</strong> — both screens must show the same.
        </p>
      ) : null}
      {state.type === 'Committed' ? (
        <p className="hint" data-testid="ceremony-result">
          Committed at {formatTime(state.committedAt)}, epoch {state.epoch} (tree op signed by one device: threshold 1).
        </p>
      ) : null}
      {state.type === 'Aborted' ? (
        <p role="status" className="hint" data-testid="ceremony-result">
          Stopped: {state.reason}.
        </p>
      ) : null}
      {state.type === 'Superseded' ? (
        <p role="status" className="hint" data-testid="ceremony-result">
          Replaced by a newer code.
        </p>
      ) : null}
    </div>
  );
}
