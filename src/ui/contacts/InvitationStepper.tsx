import type { InvitationCeremony, InvitationRole } from '../../core/rendezvous/invitation.ts';
import { CeremonyStepper, type StepLabels } from '../devices/CeremonyStepper.tsx';
import { formatTime } from '../format.ts';

// Each side waits for a person at a different step: the inviter for the code to be entered and answered,
// the invitee for its own answer.
const STEPS: Readonly<Record<InvitationRole, StepLabels>> = {
  inviter: {
    Preparing: 'Waiting for the other person to enter the code',
    PendingEpoch: 'Waiting for the other person to accept',
    Committing: 'Making the two of you contacts',
    Committed: 'Committed',
  },
  invitee: {
    Preparing: 'Finding the person who invited you',
    PendingEpoch: 'Your answer: accept or decline',
    Committing: 'Making the two of you contacts',
    Committed: 'Committed',
  },
};

/** The invitation ceremony's stepper (DESIGN §7 "add a contact"), with the steps as this side lives them. */
export function InvitationStepper({ ceremony, onCancel }: { readonly ceremony: InvitationCeremony; readonly onCancel?: (() => void) | null }) {
  const { state, other } = ceremony;
  // <bdi>: the name keeps its own direction inside the sentence.
  const committed =
    state.type === 'Committed' ? (
      <>
        Committed at {formatTime(state.committedAt)}: <bdi>{other?.name ?? 'they'}</bdi> and you are contacts.
      </>
    ) : null;
  return <CeremonyStepper ceremony={ceremony} steps={STEPS[ceremony.role]} committed={committed} onCancel={onCancel} />;
}
