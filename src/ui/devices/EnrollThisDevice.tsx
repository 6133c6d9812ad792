import { useId, useState, type FormEvent } from 'react';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { CeremonyStepper } from './CeremonyStepper.tsx';

/**
 * Onboarding's "This is another device of mine": the code from the existing device starts the enrollment
 * ceremony's joining side; this tab becomes that identity when the ceremony commits (the app then leaves
 * onboarding by itself, since the node has an identity).
 */
export function EnrollThisDevice() {
  const node = useNode();
  const inputId = useId();
  const [code, setCode] = useState('');
  const [id, setId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ceremony = useNodeQuery((n) => (id === null ? undefined : n.devices.ceremonies().find((c) => c.id === id)), [id]);
  const running = ceremony !== undefined && ceremony.state.type !== 'Aborted' && ceremony.state.type !== 'Superseded';

  function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setId(node.devices.enrollWithCode(code).id);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${inputId}-title`} data-testid="enroll-form">
      <h2 id={`${inputId}-title`}>This is another device of mine</h2>
      <p>On a device that already has your identity, open “Device info” → “Add a device”, and enter its code here.</p>
      <label htmlFor={inputId}>Enrollment code</label>
      <input
        id={inputId}
        className="input"
        data-testid="enroll-code-input"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        disabled={running}
      />
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
      {!running ? (
        <button type="submit" className="button primary" data-testid="enroll-submit" disabled={code.trim() === ''}>
          Join my other device
        </button>
      ) : null}
      {ceremony !== undefined ? <CeremonyStepper ceremony={ceremony} /> : null}
    </form>
  );
}
