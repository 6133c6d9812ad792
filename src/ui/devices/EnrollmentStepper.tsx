import type { EnrollmentCeremony } from '../../core/rendezvous/enrollment.ts';
import { formatTime } from '../format.ts';
import { CeremonyStepper, type StepLabels } from './CeremonyStepper.tsx';

const STEPS: StepLabels = {
  Preparing: 'Waiting for the other device',
  PendingEpoch: 'Key package sent and confirmed',
  Committing: 'Adding the device to the account',
  Committed: 'Committed',
};

/** The enrollment ceremony's stepper, the same on the device that adds and the device that joins. */
export function EnrollmentStepper({ ceremony, onCancel }: { readonly ceremony: EnrollmentCeremony; readonly onCancel?: (() => void) | null }) {
  const { state } = ceremony;
  const committed = state.type === 'Committed' ? `Committed at ${formatTime(state.committedAt)}, epoch ${state.epoch} (tree op signed by one device: threshold 1).` : null;
  return <CeremonyStepper ceremony={ceremony} steps={STEPS} committed={committed} onCancel={onCancel} />;
}
