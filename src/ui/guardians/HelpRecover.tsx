import { useId, useState, type FormEvent } from 'react';
import type { AuthorityId } from '../../core/ids.ts';
import type { RecoveryHelp, Ward } from '../../node/api-guardians.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { CodeInput } from '../CodeInput.tsx';
import { deviceFingerprint } from '../devices/CeremonyStepper.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/**
 * "Help someone recover": a guardian enters the code a person handed over (by any channel), meets the device
 * showing it, and says for whom it is — approve or refuse. Before approving, check with the person by another
 * channel that the device fingerprint is theirs: whoever holds the code could be an impostor.
 */
export function HelpRecover({ wards }: { readonly wards: readonly Ward[] }) {
  const node = useNode();
  const inputId = useId();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const helps = useNodeQuery((n) => n.guardians.helps());

  function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      node.guardians.help(code);
      setCode('');
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div data-testid="help-recover">
      <form className="card" onSubmit={submit} aria-label="Help someone recover">
        <CodeInput id={inputId} label="Recovery code" value={code} onChange={setCode} testId="recovery-code-input" disabled={false} />
        <button type="submit" className="button" data-testid="recovery-code-submit" disabled={code.trim() === ''}>
          Look up the request
        </button>
        {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
      </form>
      {helps.map((h) => (
        <HelpItem key={h.id} help={h} wards={wards} />
      ))}
    </div>
  );
}

function HelpItem({ help, wards }: { readonly help: RecoveryHelp; readonly wards: readonly Ward[] }) {
  const node = useNode();
  const selectId = useId();
  const guess = wards.find((w) => w.name === help.claimedName)?.authority ?? wards[0]?.authority ?? '';
  const [ward, setWard] = useState<AuthorityId>(guess);
  const act = useAction((approve: boolean) => (approve ? node.guardians.approve(help.id, ward) : node.guardians.refuse(help.id, ward)));
  return (
    <section className="card" data-testid="recovery-help" data-answer={help.answer ?? 'none'} data-device={help.device ?? ''}>
      <p>
        A new device says it is <bdi data-testid="recovery-claimed-name">{help.claimedName}</bdi>
        {help.device !== null ? (
          <>
            {' '}
            — device <strong data-testid="recovery-device">{deviceFingerprint(help.device)}</strong>. Check with them, by another way than where
            the code came from, that their screen shows the same.
          </>
        ) : (
          ' — looking for the device (its tab must be open and online)…'
        )}
      </p>
      {help.answer !== null ? (
        <p role="status" data-testid="recovery-answered">
          You {help.answer} this request.
        </p>
      ) : help.device !== null && wards.length > 0 ? (
        <div className="share-actions">
          <label htmlFor={selectId}>For</label>
          <select id={selectId} className="input inline" data-testid="recovery-ward" value={ward} onChange={(e) => setWard(e.target.value)}>
            {wards.map((w) => (
              <option key={w.authority} value={w.authority}>
                {w.name}
              </option>
            ))}
          </select>
          <button type="button" className="button primary" data-testid="approve-recovery" disabled={act.pending} onClick={() => void act.run(true)}>
            Approve
          </button>
          <button type="button" className="button" data-testid="refuse-recovery" disabled={act.pending} onClick={() => void act.run(false)}>
            Refuse
          </button>
        </div>
      ) : null}
      {help.device !== null && wards.length === 0 ? <p className="hint">You guard nobody yet.</p> : null}
      {act.error !== null ? <ErrorAlert error={act.error} onDismiss={act.clearError} /> : null}
    </section>
  );
}
