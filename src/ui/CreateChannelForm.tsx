import { useId, useState, type FormEvent } from 'react';
import type { ChannelId } from '../core/ids.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/** Inline: creating a channel is optimistic (category A), so the form clears as soon as the node accepts it. */
export function CreateChannelForm({ onCreated }: { readonly onCreated: (id: ChannelId) => void }) {
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
      const id = await node.createChannel(trimmed);
      setName('');
      onCreated(id);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="create-channel" onSubmit={submit}>
      <label htmlFor={inputId}>New channel name</label>
      <div className="inline-form">
        <input
          id={inputId}
          className="input"
          data-testid="new-channel-input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={64}
          placeholder="e.g. general"
        />
        <button type="submit" className="button" data-testid="create-channel" disabled={trimmed === '' || pending}>
          Create channel
        </button>
      </div>
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
    </form>
  );
}
