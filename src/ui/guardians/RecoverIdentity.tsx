import { useId, useState, type FormEvent } from 'react';
import type { CeremonyState } from '../../core/consistency/ceremony-status.ts';
import type { RecoveringView } from '../../node/api-guardians.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { CodeBox } from '../CodeBox.tsx';
import { CeremonyStepper, deviceFingerprint } from '../devices/CeremonyStepper.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { RECOVERY_STEPS } from './RecoveryStatusView.tsx';

/**
 * The asking side's CeremonyStatus, from what guardians told this device: their words are only shown (the
 * signed recovery is what counts), and the epoch the recovery makes is not known here (the stepper omits it).
 */
function recoveringState(v: RecoveringView): Exclude<CeremonyState, { type: 'Committed' }> | { readonly type: 'Committed' } {
  if (v.phase === 'recovered') return { type: 'Committed' };
  if (v.phase === 'cancelled') return { type: 'Aborted', reason: 'cancelled from one of your devices', abortedAt: 0 };
  if (v.phase === 'refused') return { type: 'Aborted', reason: 'refused by your guardians', abortedAt: 0 };
  if (v.phase === 'recovering') return { type: 'Committing' };
  const approved = v.words.filter((w) => w.word === 'approved').length;
  if (v.threshold === null) return { type: 'Preparing' };
  if (approved >= v.threshold) return { type: 'Committing' };
  return { type: 'PendingEpoch', pendingEpoch: 0, requiredResponses: v.threshold, receivedResponses: approved };
}

/**
 * Onboarding → "Recover my identity" (DESIGN §7): every device lost, this fresh tab asks the guardians. It shows
 * a recovery code to hand to them by any channel, then each guardian's word; with enough approvals, once their
 * waiting period passed, their threshold signature makes this device the identity (the app then opens by itself).
 */
export function RecoverIdentity() {
  const node = useNode();
  const inputId = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const view = useNodeQuery((n) => n.guardians.recovering());

  function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      node.guardians.startRecovery(name);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby={`${inputId}-title`} data-testid="recover-identity">
      <h2 id={`${inputId}-title`}>Recover my identity</h2>
      {view === null ? (
        <form onSubmit={submit}>
          <p>Lost every device? Your guardians can make this one yours again.</p>
          <label htmlFor={inputId}>Your name, as your guardians know you</label>
          <input id={inputId} className="input" data-testid="recover-name-input" value={name} maxLength={64} dir="auto" onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button" data-testid="start-recovery" disabled={name.trim() === ''}>
            Ask my guardians
          </button>
        </form>
      ) : (
        <>
          <CodeBox
            code={view.code}
            label="Recovery code"
            hint="Give this code to your guardians (a message, a call, in person) and keep this tab open. It works for 7 days."
            testId="recovery-code"
            copyTestId="copy-recovery-code"
            autoFocus
          />
          <p className="hint">
            This device: <strong data-testid="recovering-device" data-device={view.device}>
              {deviceFingerprint(view.device)}
            </strong> — your guardians see the same; tell them by
            another way than the code, so an impostor’s device cannot pass for yours.
          </p>
          <CeremonyStepper ceremony={{ id: view.code, peer: null, state: recoveringState(view) }} steps={RECOVERY_STEPS} committed="Recovered: opening your identity…" />
          <ul className="ceremony-list" aria-label="Guardians’ answers">
            {view.words.map((w) => (
              <li key={w.guardian} data-testid="recovering-word" data-word={w.word}>
                <bdi>{w.name}</bdi> {w.word}
              </li>
            ))}
          </ul>
        </>
      )}
      {view?.error ? <p role="alert" className="alert">{view.error}</p> : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
