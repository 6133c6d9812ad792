import { useId, useState, type FormEvent } from 'react';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

interface Props {
  readonly channel: ChannelSummary;
  readonly onDone: () => void;
}

/**
 * The channel's name and topic, each editable only with its right (`ChannelSummary.rights`); the node refuses
 * without it too, and every member's node refuses a forged one. Saves only what changed.
 */
export function ChannelSettingsForm({ channel, onDone }: Props) {
  const node = useNode();
  const nameId = useId();
  const topicId = useId();
  const [name, setName] = useState(channel.name);
  const [topic, setTopic] = useState(channel.topic ?? '');
  const mayRename = channel.rights.includes('chat:rename');
  const mayTopic = channel.rights.includes('chat:topic');
  const { pending, error, clearError, run } = useAction(async () => {
    if (mayRename && name.trim() !== channel.name) await node.chat.renameChannel(channel.id, name);
    if (mayTopic && topic.trim() !== (channel.topic ?? '')) await node.chat.setTopic(channel.id, topic);
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await run()) onDone();
  }

  return (
    <form className="channel-settings" data-testid="channel-settings" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      {mayRename ? (
        <>
          <label htmlFor={nameId}>Channel name</label>
          <input id={nameId} className="input" data-testid="channel-name-input" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} dir="auto" autoFocus />
        </>
      ) : null}
      {mayTopic ? (
        <>
          <label htmlFor={topicId}>Topic</label>
          <input id={topicId} className="input" data-testid="channel-topic-input" value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={256} dir="auto" />
        </>
      ) : null}
      <div className="inline-form">
        <button type="submit" className="button primary" data-testid="save-channel" disabled={pending || name.trim() === ''}>
          Save
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
