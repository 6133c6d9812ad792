import { useState } from 'react';
import { useNode } from '../../node/hooks.ts';
import { CodeBox } from '../CodeBox.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { formatTime } from '../format.ts';
import { useCeremony } from '../use-ceremony.ts';
import { InvitationStepper } from './InvitationStepper.tsx';
import { openInvitation } from './running-invitation.ts';

/**
 * "Add a contact" (DESIGN §7, §11): starts the invitation ceremony and shows its code until the other person
 * enters it, then the ceremony's progress. A new code supersedes the one before; Cancel works until the two
 * are being made contacts.
 */
export function InviteContact() {
  const node = useNode();
  const { ceremony, error, clearError, begin } = useCeremony((n) => n.contacts.ceremonies(), openInvitation(node.contacts.ceremonies(), 'inviter'));
  // The code takes focus (so is selected, ready to copy) when asked for, not when the panel reopens on it.
  const [asked, setAsked] = useState(false);
  const cancellable = ceremony !== undefined && (ceremony.state.type === 'Preparing' || ceremony.state.type === 'PendingEpoch');

  return (
    <div className="contact-ceremony" data-testid="invite-contact-panel">
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      <button type="button" className="button" data-testid="invite-contact" onClick={() => setAsked(begin(() => node.contacts.invite()))}>
        {cancellable ? 'New code' : 'Add a contact'}
      </button>
      {ceremony !== undefined ? (
        <>
          {ceremony.code !== null ? (
            <CodeBox
              code={ceremony.code}
              label="Invitation code"
              hint={`Give this code to the person you want as a contact; they enter it under “Enter a contact’s code”. It works once, until ${formatTime(ceremony.expires)}. Whoever holds it can become your contact by accepting — give it to that person only.`}
              testId="invite-code"
              copyTestId="copy-invite-code"
              autoFocus={asked}
            />
          ) : null}
          {ceremony.presented && ceremony.state.type === 'PendingEpoch' && ceremony.state.receivedResponses === 0 ? (
            <p className="hint" role="status" data-testid="invite-deciding">
              They have your invitation in front of them and are deciding (until {formatTime(ceremony.expires)}).
            </p>
          ) : null}
          <InvitationStepper ceremony={ceremony} onCancel={cancellable ? () => node.contacts.cancel(ceremony.id) : null} />
        </>
      ) : null}
    </div>
  );
}
