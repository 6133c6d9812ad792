import { useId, useState, type FormEvent } from 'react';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';
import { useOwnName } from './use-own-name.ts';

/**
 * This authority's display name as every reader shows it (`names.nameOf`), and changing it: the node states
 * the new one to this account's devices and to every channel's members (latest wins).
 */
export function DisplayNameForm() {
  const node = useNode();
  const inputId = useId();
  const current = useOwnName();
  const [name, setName] = useState('');
  const { pending, error, clearError, run } = useAction((next: string) => node.names.setDisplayName(next));
  const trimmed = name.trim();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed !== '' && (await run(trimmed))) setName('');
  }

  if (current === null) return null;
  return (
    <form className="display-name-form" onSubmit={submit}>
      <label htmlFor={inputId}>Change display name</label>
      <div className="inline-form">
        <input
          id={inputId}
          className="input"
          data-testid="display-name-edit-input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={64}
          placeholder={current}
          dir="auto"
        />
        <button type="submit" className="button" data-testid="save-display-name" disabled={trimmed === '' || trimmed === current || pending}>
          Save name
        </button>
      </div>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
