import { useId, useState, type FormEvent } from 'react';
import type { ContextId } from '../core/ids.ts';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

interface Props {
  readonly channels: readonly ChannelSummary[];
}

/**
 * Joins the context of a pasted join code. The channel itself only arrives once a member shares its
 * history, so until it is in the list a note says why nothing appeared yet.
 */
export function JoinChannelForm({ channels }: Props) {
  const node = useNode();
  const inputId = useId();
  const [code, setCode] = useState('');
  const [joined, setJoined] = useState<ContextId | null>(null);
  const { pending, error, clearError, run } = useAction(async (c: string) => setJoined(await node.joinChannel(c)));
  const trimmed = code.trim();
  const waiting = joined !== null && !channels.some((c) => c.context === joined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed !== '' && (await run(trimmed))) setCode('');
  }

  return (
    <form className="join-channel" onSubmit={submit}>
      <label htmlFor={inputId}>Join with a code</label>
      <div className="inline-form">
        <input
          id={inputId}
          className="input"
          data-testid="join-code-input"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="aura-join:…"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
        />
        <button type="submit" className="button" data-testid="join-channel" disabled={trimmed === '' || pending}>
          Join
        </button>
      </div>
      {waiting ? (
        <p className="join-note muted" role="status" data-testid="join-note">
          Joined — the channel appears when a member is online
        </p>
      ) : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
