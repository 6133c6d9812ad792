import { useId, useState, type FormEvent } from 'react';
import { useNode } from '../../node/hooks.ts';
import { CodeInput } from '../CodeInput.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useCeremony } from '../use-ceremony.ts';
import { EnrollmentStepper } from './EnrollmentStepper.tsx';

/**
 * Onboarding's "This is another device of mine": the code from the existing device starts the enrollment
 * ceremony's joining side; this tab becomes that identity when the ceremony commits (the app then leaves
 * onboarding by itself, since the node has an identity).
 */
export function EnrollThisDevice() {
  const node = useNode();
  const inputId = useId();
  const [code, setCode] = useState('');
  const { ceremony, error, clearError, begin } = useCeremony((n) => n.devices.ceremonies());
  const running = ceremony !== undefined && ceremony.state.type !== 'Aborted' && ceremony.state.type !== 'Superseded';

  function submit(e: FormEvent) {
    e.preventDefault();
    begin(() => node.devices.enrollWithCode(code));
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${inputId}-title`} data-testid="enroll-form">
      <h2 id={`${inputId}-title`}>This is another device of mine</h2>
      <p>On a device that already has your identity, open “Device info” → “Add a device”, and enter its code here.</p>
      <CodeInput id={inputId} label="Enrollment code" value={code} onChange={setCode} testId="enroll-code-input" disabled={running} />
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      {!running ? (
        <button type="submit" className="button primary" data-testid="enroll-submit" disabled={code.trim() === ''}>
          Join my other device
        </button>
      ) : null}
      {ceremony !== undefined ? <EnrollmentStepper ceremony={ceremony} /> : null}
    </form>
  );
}
