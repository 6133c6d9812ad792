import { useId, useState, type FormEvent } from 'react';
import type { ChannelId } from '../core/ids.ts';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';
import { usePendingJoins } from './use-pending-joins.ts';

interface Props {
  readonly channels: readonly ChannelSummary[];
  readonly onSelect: (id: ChannelId) => void;
}

/**
 * Joins the context of a pasted join code. The channel itself only arrives once a member shares its
 * history, so until it is in the list a note says why nothing appeared yet (also after a reload). A code for
 * a channel already here changes nothing in the node (`joinChannel` resolves with its context), so the form
 * says so and selects that channel.
 */
export function JoinChannelForm({ channels, onSelect }: Props) {
  const node = useNode();
  const inputId = useId();
  const [code, setCode] = useState('');
  const [waiting, addWaiting] = usePendingJoins(node.profile, channels);
  const [alreadyIn, setAlreadyIn] = useState<string | null>(null);
  const { pending, error, clearError, run } = useAction(async (c: string) => {
    setAlreadyIn(null);
    const context = await node.joinChannel(c);
    // The list as it was before this join: a channel in it was here already, not brought by this code.
    const here = channels.find((ch) => ch.context === context);
    if (here === undefined) return addWaiting(context);
    setAlreadyIn(here.name);
    onSelect(here.id);
  });
  const trimmed = code.trim();

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
          onChange={(e) => {
            setCode(e.target.value);
            setAlreadyIn(null);
          }}
          placeholder="aura-join:…"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
        />
        <button type="submit" className="button" data-testid="join-channel" disabled={trimmed === '' || pending}>
          Join
        </button>
      </div>
      {alreadyIn !== null ? (
        <p className="join-note muted" role="status" data-testid="join-already">
          You are already in #<span dir="auto">{alreadyIn}</span>
        </p>
      ) : null}
      {waiting.length > 0 ? (
        <p className="join-note muted" role="status" data-testid="join-note">
          Joined — the channel appears when a member is online
        </p>
      ) : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
