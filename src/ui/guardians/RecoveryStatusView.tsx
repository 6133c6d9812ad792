import type { CeremonyState } from '../../core/consistency/ceremony-status.ts';
import type { RecoveryView } from '../../node/api-guardians.ts';
import { CeremonyStepper, type StepLabels } from '../devices/CeremonyStepper.tsx';
import { formatTime } from '../format.ts';

export const RECOVERY_STEPS: StepLabels = {
  Preparing: 'Recovery code shown',
  PendingEpoch: 'Guardians approve',
  Committing: 'Waiting period, then the guardians sign',
  Committed: 'Recovered',
};

const WORD = { Accepted: 'approved', Rejected: 'refused', Pending: 'not yet' } as const;

/**
 * One recovery's CeremonyStatus as its guardians' facts and the signed recovery show it: the stepper, each
 * guardian's word, when this guardian may sign, and ◆ Finalized once the guardians' threshold signature is in.
 */
export function RecoveryStatusView({ recovery, onCancel = null }: { readonly recovery: RecoveryView; readonly onCancel?: (() => void) | null }) {
  const { status } = recovery;
  const state = status.state as Exclude<CeremonyState, { type: 'Committed' }> | { readonly type: 'Committed' };
  return (
    <div className="recovery" data-testid="recovery" data-device={recovery.device} data-state={status.state.type}>
      <p>
        <bdi>{recovery.name}</bdi> on a new device
      </p>
      <CeremonyStepper
        ceremony={{ id: status.ceremonyId, peer: recovery.device, state }}
        steps={RECOVERY_STEPS}
        committed={
          <span data-testid="recovery-finalized">
            {status.committedAgreement?.level === 'Finalized' ? '◆ Finalized: ' : ''}the new device is now <bdi>{recovery.name}</bdi>’s only device.
          </span>
        }
        onCancel={onCancel}
      />
      <ul className="ceremony-list" aria-label="Guardians">
        {status.responses.map((r) => (
          <li key={r.participant} data-testid="recovery-word" data-response={r.response}>
            <bdi>{recovery.names[r.participant] ?? r.participant.slice(0, 12)}</bdi>: {WORD[r.response]}
          </li>
        ))}
      </ul>
      {recovery.signableAt !== null && status.state.type !== 'Committed' && status.state.type !== 'Aborted' ? (
        <p className="hint">Your approval counts from {formatTime(recovery.signableAt)}, when the waiting period ends.</p>
      ) : null}
    </div>
  );
}
