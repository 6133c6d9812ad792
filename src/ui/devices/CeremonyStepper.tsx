import type { CeremonyState } from '../../core/consistency/ceremony-status.ts';
import type { DeviceId } from '../../core/ids.ts';
import type { ReactNode } from 'react';

/** What the steps say, one label per state a ceremony passes through on its way to a commit. */
export type StepLabels = Readonly<Record<'Preparing' | 'PendingEpoch' | 'Committing' | 'Committed', string>>;

/** Any two-device rendezvous ceremony (enrollment, invitation): each records its own commit in its own way. */
interface Ceremony {
  readonly id: string;
  readonly peer: DeviceId | null;
  readonly state: Exclude<CeremonyState, { type: 'Committed' }> | { readonly type: 'Committed' };
}

interface Props {
  readonly ceremony: Ceremony;
  readonly steps: StepLabels;
  /** What the commit made, shown once Committed (the caller reads it from its own Committed state). */
  readonly committed: ReactNode;
  /** Cancel, while the caller's side of the ceremony can still be cancelled. */
  readonly onCancel?: (() => void) | null;
}

const ORDER = ['Preparing', 'PendingEpoch', 'Committing', 'Committed'] as const;

/** A short, comparable fingerprint of a device: both screens show it, so the person can check they match. */
export function deviceFingerprint(device: string): string {
  return device.slice(-8).toUpperCase().replace(/(.{4})/, '$1 ');
}

/**
 * A ceremony's CeremonyStatus as a stepper (DESIGN §7): Preparing → PendingEpoch (k of n responses) →
 * Committing → Committed, or where it stopped and why. Everything shown comes from the node's state; the
 * labels come from the caller, since what each step means differs per ceremony.
 */
export function CeremonyStepper({ ceremony, steps, committed, onCancel = null }: Props) {
  const { state } = ceremony;
  const at = ORDER.findIndex((s) => s === state.type);
  const ended = state.type === 'Aborted' || state.type === 'Superseded';
  return (
    <div className="ceremony" data-testid="ceremony" data-state={state.type} data-ceremony={ceremony.id}>
      <ol className="ceremony-steps" aria-label="Ceremony progress">
        {ORDER.map((key, i) => {
          const done = !ended && (i < at || state.type === 'Committed');
          const current = !ended && i === at && state.type !== 'Committed';
          return (
            <li key={key} className={done ? 'done' : current ? 'current' : ''} aria-current={current ? 'step' : undefined}>
              {done ? '✓ ' : current ? '… ' : ''}
              {steps[key]}
              {key === 'PendingEpoch' && state.type === 'PendingEpoch' ? ` (${state.receivedResponses} of ${state.requiredResponses})` : null}
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
          {committed}
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
      {onCancel !== null ? (
        <button type="button" className="button" data-testid="cancel-ceremony" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
