import { useId, useState, type FormEvent } from 'react';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/** First run of a profile: the node has no identity until the person names themselves. */
export function Onboarding() {
  const node = useNode();
  const inputId = useId();
  const [name, setName] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const trimmed = name.trim();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed === '' || pending) return;
    setPending(true);
    setError(null);
    try {
      await node.createIdentity(trimmed);
    } catch (err) {
      setError(err);
      setPending(false);
    }
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
          maxLength={64}
          autoFocus
        />
        {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
        <button type="submit" className="button primary" data-testid="create-identity" disabled={trimmed === '' || pending}>
          {pending ? 'Creating…' : 'Create identity'}
        </button>
      </form>
    </main>
  );
}
