import { useId, useState, type FormEvent } from 'react';
import { useNode } from '../../node/hooks.ts';
import { CodeInput } from '../CodeInput.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useCeremony } from '../use-ceremony.ts';
import { InvitationOffer } from './InvitationOffer.tsx';
import { InvitationStepper } from './InvitationStepper.tsx';
import { isOpen, openInvitation } from './running-invitation.ts';

/**
 * The invitee's side: someone's invite code starts the ceremony; once the invitation arrives the person sees
 * who invites and accepts or declines. A bad or expired code is refused here, typed.
 */
export function EnterContactCode() {
  const node = useNode();
  const inputId = useId();
  const [code, setCode] = useState('');
  const { ceremony, error, clearError, begin } = useCeremony((n) => n.contacts.ceremonies(), openInvitation(node.contacts.ceremonies(), 'invitee'));
  const running = ceremony !== undefined && isOpen(ceremony);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (begin(() => node.contacts.acceptCode(code))) setCode('');
  }

  return (
    <div className="contact-ceremony" data-testid="contact-code-panel">
      <form onSubmit={submit} data-testid="contact-code-form">
        <CodeInput id={inputId} label="Their invitation code" value={code} onChange={setCode} testId="contact-code-input" disabled={running} />
        {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
        {!running ? (
          <button type="submit" className="button primary" data-testid="contact-code-submit" disabled={code.trim() === ''}>
            Open the invitation
          </button>
        ) : null}
      </form>
      {ceremony !== undefined ? (
        <>
          {ceremony.presented && ceremony.other !== null ? (
            <InvitationOffer
              id={ceremony.id}
              inviter={ceremony.other}
              expires={ceremony.expires}
              answerable={ceremony.state.type === 'PendingEpoch' && ceremony.state.receivedResponses === 0}
            />
          ) : null}
          {/* Once the question is shown the answer is Decline; before, Cancel stops looking for the inviter. */}
          <InvitationStepper ceremony={ceremony} onCancel={ceremony.state.type === 'Preparing' ? () => node.contacts.cancel(ceremony.id) : null} />
        </>
      ) : null}
    </div>
  );
}
