import type { CeremonyState } from '../../core/consistency/ceremony-status.ts';
import { useNodeQuery } from '../../node/hooks.ts';
import { CeremonyStepper, type StepLabels } from '../devices/CeremonyStepper.tsx';
import { ChooseGuardians, waitingLabel } from './ChooseGuardians.tsx';
import { RecoveryAlerts } from './RecoveryAlerts.tsx';

const SETUP_STEPS: StepLabels = {
  Preparing: 'Asked',
  PendingEpoch: 'Guardians accept',
  Committing: 'Guardians generate the recovery key (DKG)',
  Committed: 'Guardians set',
};

/** Account → Guardians: who guards this identity (the tree's guardian branch), the setup ceremony, recoveries. */
export function GuardiansSection() {
  const view = useNodeQuery((n) => n.guardians.view());
  if (view === null) return null;
  const { current, setup } = view;
  return (
    <section aria-labelledby="guardians-heading" data-testid="guardians-section">
      <h4 id="guardians-heading">Guardians</h4>
      {current !== null ? (
        <p data-testid="guardians-current">
          {current.threshold} of {[...current.guardians].sort((a, b) => a.name.localeCompare(b.name)).map((g, i) => (
            <span key={g.authority}>
              {i > 0 ? ', ' : ''}
              <bdi data-testid="guardian-name">{g.name}</bdi>
            </span>
          ))}{' '}
          can recover this identity; they wait {waitingLabel(current.delayMs)}.
        </p>
      ) : (
        <p className="hint" data-testid="no-guardians">
          No guardians yet: losing every device would lose this identity.
        </p>
      )}
      {setup !== null ? (
        <div data-testid="guardian-setup">
          <CeremonyStepper
            ceremony={{ id: setup.ceremonyId, peer: null, state: setup.state as Exclude<CeremonyState, { type: 'Committed' }> | { readonly type: 'Committed' } }}
            steps={SETUP_STEPS}
            committed="Your guardians hold the recovery key together."
          />
          <ul className="ceremony-list" aria-label="Guardians’ answers">
            {setup.responses.map((r) => (
              <li key={r.participant} data-testid="guardian-answer" data-response={r.response}>
                <bdi>{view.setupNames[r.participant] ?? r.participant.slice(0, 12)}</bdi>: {r.response}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <RecoveryAlerts />
      <ChooseGuardians rotating={current !== null} />
    </section>
  );
}
