import type { GuardianInvitation } from '../../node/api-guardians.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';
import { waitingLabel } from './ChooseGuardians.tsx';
import { HelpRecover } from './HelpRecover.tsx';
import { RecoveryStatusView } from './RecoveryStatusView.tsx';

/** Contacts → Guarding: requests to guard someone, whom this person guards, and recoveries they help with. */
export function GuardingSection() {
  const invitations = useNodeQuery((n) => n.guardians.invitations());
  const wards = useNodeQuery((n) => n.guardians.wards());
  const recoveries = useNodeQuery((n) => n.guardians.recoveries());
  return (
    <section aria-labelledby="guarding-heading" data-testid="guarding-section">
      <h3 id="guarding-heading">Guarding</h3>
      {invitations.map((i) => (
        <GuardianRequest key={i.ceremony} invitation={i} />
      ))}
      {wards.length > 0 ? (
        <ul className="contact-list" aria-label="You guard">
          {wards.map((w) => (
            <li key={w.authority} data-testid="ward" data-share={w.holdsShare ? 'held' : 'pending'}>
              You guard <bdi>{w.name}</bdi>
              {w.holdsShare ? ' (key share held)' : ' (key being generated…)'}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint" data-testid="no-wards">
          You guard nobody. A contact can ask you from their Device info → Guardians.
        </p>
      )}
      <h4>Help someone recover</h4>
      <HelpRecover wards={wards} />
      {recoveries.map((r) => (
        <RecoveryStatusView key={`${r.authority}:${r.device}`} recovery={r} />
      ))}
    </section>
  );
}

function GuardianRequest({ invitation: i }: { readonly invitation: GuardianInvitation }) {
  const node = useNode();
  const act = useAction((accept: boolean) => node.guardians.answer(i.context, i.ceremony, accept));
  return (
    <div className="card" data-testid="guardian-invitation">
      <p>
        <bdi data-testid="guardian-invitation-from">{i.fromName}</bdi> asks you to be one of {i.guardians} guardians: {i.threshold} of you together
        could give them a new device if they lose every one, after waiting {waitingLabel(i.delayMs)}. You will never read their messages.
      </p>
      <div className="share-actions">
        <button type="button" className="button primary" data-testid="accept-guardian" disabled={act.pending} onClick={() => void act.run(true)}>
          Accept
        </button>
        <button type="button" className="button" data-testid="decline-guardian" disabled={act.pending} onClick={() => void act.run(false)}>
          Decline
        </button>
      </div>
      {act.error !== null ? <ErrorAlert error={act.error} onDismiss={act.clearError} /> : null}
    </div>
  );
}
