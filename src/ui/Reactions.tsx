import { useState } from 'react';
import type { ChannelId, FactId } from '../core/ids.ts';
import type { ReactionView } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { useAction } from './use-action.ts';

/** What the React menu offers; any emoji the node receives is shown. */
const CHOICES = ['👍', '❤️', '😂', '🎉'];

interface Props {
  readonly channel: ChannelId;
  readonly message: FactId;
  readonly reactions: readonly ReactionView[];
}

/**
 * A message's reactions with their counts, ours pressed, and a small menu to add one. Reactions are add-only
 * (spec 002 names no removal), so a reaction of ours is pressed and cannot be clicked again.
 */
export function Reactions({ channel, message, reactions }: Props) {
  const node = useNode();
  const [open, setOpen] = useState(false);
  const { pending, error, clearError, run } = useAction((emoji: string) => node.chat.react(channel, message, emoji));
  const mine = new Set(reactions.filter((r) => r.mine).map((r) => r.emoji));

  async function react(emoji: string) {
    if (await run(emoji)) setOpen(false);
  }

  return (
    <div className="reactions">
      {reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          className="reaction"
          data-testid="reaction"
          data-emoji={r.emoji}
          data-count={r.names.length}
          aria-pressed={r.mine}
          aria-disabled={r.mine || pending}
          title={r.names.join(', ')}
          aria-label={`${r.emoji} ${r.names.length}: ${r.names.join(', ')}`}
          onClick={() => !r.mine && void react(r.emoji)}
        >
          <span aria-hidden="true">{r.emoji}</span> {r.names.length}
        </button>
      ))}
      <button type="button" className="reaction add" data-testid="react-button" aria-expanded={open} aria-label="Add a reaction" onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">☺+</span>
      </button>
      {open ? (
        <span className="reaction-menu" role="group" aria-label="Reactions" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {CHOICES.map((emoji) => (
            <button key={emoji} type="button" className="reaction" data-testid="react-choice" data-emoji={emoji} disabled={pending || mine.has(emoji)} aria-label={`React with ${emoji}`} onClick={() => void react(emoji)}>
              {emoji}
            </button>
          ))}
        </span>
      ) : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </div>
  );
}
