import { useEffect, useId, useRef, useState } from 'react';
import type { PhysicalTime } from '../../core/ids.ts';
import { contactFingerprint } from '../../core/rendezvous/fingerprint.ts';
import type { Person } from '../../core/rendezvous/invitation.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { formatTime } from '../format.ts';
import { useAction } from '../use-action.ts';

interface Props {
  readonly id: string;
  readonly inviter: Person;
  readonly expires: PhysicalTime;
  /** Still waiting for this person's answer; once answered the question stays, without its buttons. */
  readonly answerable: boolean;
}

/**
 * The invitation in front of the invitee: who invites, as their device proof shows it, and the fingerprint
 * both will see in their contact lists, then Accept or Decline. The question takes focus when it appears,
 * so it is read out and the answer is a Tab away, without an Enter meant for the code answering it; it takes
 * focus again once answered, since the buttons that had it are gone.
 */
export function InvitationOffer({ id, inviter, expires, answerable }: Props) {
  const node = useNode();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const me = useNodeQuery((n) => n.identity());
  const accept = useAction(() => node.contacts.accept(id));
  const [declineError, setDeclineError] = useState<unknown>(null);

  useEffect(() => heading.current?.focus(), [answerable]);

  function decline() {
    setDeclineError(null);
    try {
      node.contacts.decline(id);
    } catch (err) {
      setDeclineError(err);
    }
  }

  const error = accept.error ?? declineError;
  return (
    <section className="invitation-offer" aria-labelledby={headingId} data-testid="invitation-offer">
      <h4 id={headingId} ref={heading} tabIndex={-1}>
        <bdi data-testid="invitation-from">{inviter.name}</bdi> invites you to be contacts
      </h4>
      {me !== null ? (
        <p className="hint">
          Fingerprint <strong data-testid="invitation-fingerprint">{contactFingerprint(me.authorityId, inviter.authority)}</strong> — they see the same
          once you accept; compare it with them to be sure no one sits between you.
        </p>
      ) : null}
      {answerable ? <p className="hint">Answer before {formatTime(expires)}. Accepting gives the two of you a private channel.</p> : null}
      {error !== null ? (
        <ErrorAlert
          error={error}
          onDismiss={() => {
            accept.clearError();
            setDeclineError(null);
          }}
        />
      ) : null}
      {answerable ? (
        <div className="share-actions">
          <button type="button" className="button primary" data-testid="accept-invitation" disabled={accept.pending} onClick={() => void accept.run()}>
            Accept
          </button>
          <button type="button" className="button" data-testid="decline-invitation" disabled={accept.pending} onClick={decline}>
            Decline
          </button>
        </div>
      ) : null}
    </section>
  );
}
