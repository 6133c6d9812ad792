import { useId, useState, type FormEvent } from 'react';
import { useNode } from '../node/hooks.ts';
import { EnrollThisDevice } from './devices/EnrollThisDevice.tsx';
import { RecoverIdentity } from './guardians/RecoverIdentity.tsx';
import { RestoreBackup } from './RestoreBackup.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

/** First run of a profile: the node has no identity until the person names themselves. */
export function Onboarding() {
  const node = useNode();
  const inputId = useId();
  const [name, setName] = useState('');
  const { pending, error, clearError, run } = useAction((displayName: string) => node.createIdentity(displayName));
  const trimmed = name.trim();

  function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed !== '') void run(trimmed);
  }

  return (
    <main className="onboarding" data-testid="onboarding">
      <form className="card" onSubmit={submit} aria-labelledby="onboarding-title">
        <h2 id="onboarding-title">Create your identity</h2>
        <p>This tab is a new device. Choose the name others will see; you can join other devices to it later.</p>
        <label htmlFor={inputId}>Display name</label>
        <input
          id={inputId}
          className="input"
          data-testid="display-name-input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="nickname"
          dir="auto"
          maxLength={64}
          autoFocus
        />
        {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
        <button type="submit" className="button primary" data-testid="create-identity" disabled={trimmed === '' || pending}>
          {pending ? 'Creating…' : 'Create identity'}
        </button>
      </form>
      <EnrollThisDevice />
      <RecoverIdentity />
      <RestoreBackup />
    </main>
  );
}
