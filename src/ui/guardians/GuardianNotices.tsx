import { useNodeQuery } from '../../node/hooks.ts';

interface Props {
  readonly onOpenAccount: () => void;
  readonly onOpenContacts: () => void;
}

/**
 * Above everything, on every device of this identity: a recovery under way (someone may be taking the identity
 * over; Cancel is one click away in Device info), and guardian requests waiting for this person's answer.
 */
export function GuardianNotices({ onOpenAccount, onOpenContacts }: Props) {
  const recovering = useNodeQuery((n) => n.guardians.alerts().filter((a) => a.status.state.type === 'PendingEpoch' || a.status.state.type === 'Committing').length);
  const asked = useNodeQuery((n) => n.guardians.invitations().length);
  if (recovering === 0 && asked === 0) return null;
  return (
    <div className="notices">
      {recovering > 0 ? (
        <p role="alert" className="alert" data-testid="recovery-banner">
          Your guardians were asked to make a new device yours.{' '}
          <button type="button" className="button" data-testid="review-recovery" onClick={onOpenAccount}>
            Review or cancel
          </button>
        </p>
      ) : null}
      {asked > 0 ? (
        <p role="status" className="hint" data-testid="guardian-request-banner">
          {asked === 1 ? 'A contact asks' : `${asked} contacts ask`} you to be a guardian.{' '}
          <button type="button" className="button" data-testid="review-guardian-requests" onClick={onOpenContacts}>
            Answer
          </button>
        </p>
      ) : null}
    </div>
  );
}
