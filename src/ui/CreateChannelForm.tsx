import { useId, useState, type FormEvent } from 'react';
import type { ChannelId } from '../core/ids.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

interface Props {
  /** The new channel is selected and its composer focused, so the next Enter cannot make a second channel. */
  readonly onCreated: (id: ChannelId) => void;
  readonly autoFocus: boolean;
}

/** Inline: creating a channel is optimistic (category A), so the form clears as soon as the node accepts it. */
export function CreateChannelForm({ onCreated, autoFocus }: Props) {
  const node = useNode();
  const inputId = useId();
  const [name, setName] = useState('');
  const { pending, error, clearError, run } = useAction(async (channelName: string) => onCreated(await node.createChannel(channelName)));
  const trimmed = name.trim();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed !== '' && (await run(trimmed))) setName('');
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
          dir="auto"
          autoFocus={autoFocus}
        />
        <button type="submit" className="button" data-testid="create-channel" disabled={trimmed === '' || pending}>
          Create channel
        </button>
      </div>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
