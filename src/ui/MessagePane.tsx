import { useEffect, useId, useRef, useState } from 'react';
import type { ChannelSummary } from '../node/api.ts';
import { useNodeQuery } from '../node/hooks.ts';
import { ChannelSettingsForm } from './ChannelSettingsForm.tsx';
import { ChannelShare } from './ChannelShare.tsx';
import { ChannelKindTag } from './groups/ChannelKindTag.tsx';
import { useChannelKinds } from './groups/use-channel-kind.ts';
import { PendingProposalsBadge } from './proposals/PendingProposalsBadge.tsx';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';

/** Messages rendered at first; older ones load on request, so a long history never blocks a render. */
const PAGE = 200;

/** How long "Join code copied" stays beside Share once the panel closed on Copy, in ms. */
const COPIED_FOR = 2000;

interface Props {
  readonly channel: ChannelSummary;
  /** Focus the composer: the channel was just created, so writing in it comes next. */
  readonly focusComposer?: boolean;
}

/** One channel: its messages and the composer; remounted per channel so drafts and scroll don't leak across. */
export function MessagePane({ channel, focusComposer = false }: Props) {
  const [limit, setLimit] = useState(PAGE);
  const [sharing, setSharing] = useState(false);
  const [copied, setCopied] = useState(false);
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const mayEdit = channel.rights.includes('chat:rename') || channel.rights.includes('chat:topic');
  const shareButton = useRef<HTMLButtonElement>(null);
  const shareId = useId();
  const messages = useNodeQuery((n) => n.messages(channel.id, limit).data, [channel.id, limit]);
  const hidden = channel.messageCount - messages.length;
  // Groups are by invitation: their channels offer no join code.
  const kind = useChannelKinds()(channel.context);

  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), COPIED_FOR);
    return () => clearTimeout(t);
  }, [copied]);

  function closeShare() {
    setSharing(false);
    shareButton.current?.focus();
  }

  return (
    <section className="pane" aria-labelledby="pane-title">
      <header className="pane-header">
        <div className="pane-heading">
          <h2 id="pane-title" className="pane-title">
            <span aria-hidden="true"># </span>
            <span data-testid="channel-title" dir="auto">
              {channel.name}
            </span>
          </h2>
          <ChannelKindTag kind={kind} />
          {kind.kind === 'group' ? <PendingProposalsBadge context={channel.context} /> : null}
          {channel.topic ? (
            <p className="pane-topic" data-testid="channel-topic" dir="auto">
              {channel.topic}
            </p>
          ) : null}
        </div>
        {mayEdit ? (
          <button ref={editButton} type="button" className="button" data-testid="edit-channel" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
            Edit channel
          </button>
        ) : null}
        {kind.kind === 'group' ? null : (
          <button
            ref={shareButton}
            type="button"
            className="button share-button"
            data-testid="share-channel"
            aria-expanded={sharing}
            aria-controls={sharing ? shareId : undefined}
            onClick={() => {
              setCopied(false);
              if (sharing) closeShare();
              else setSharing(true);
            }}
          >
            Share
          </button>
        )}
        <span className="share-feedback" role="status" data-testid="share-copied">
          {copied ? 'Join code copied' : ''}
        </span>
        {sharing ? (
          <ChannelShare
            id={shareId}
            channel={channel}
            onClose={closeShare}
            onCopied={() => {
              closeShare();
              setCopied(true);
            }}
          />
        ) : null}
      </header>
      {kind.kind === 'group' && kind.removedMe ? (
        <p className="alert group-removed" role="status" data-testid="channel-removed">
          You were removed from <strong dir="auto">{kind.name}</strong>: nothing new in it reaches you.
        </p>
      ) : null}
      {editing ? (
        <ChannelSettingsForm
          channel={channel}
          onDone={() => {
            setEditing(false);
            editButton.current?.focus();
          }}
        />
      ) : null}
      {hidden > 0 ? (
        <button type="button" className="button link older" data-testid="show-earlier" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, hidden)} earlier messages
        </button>
      ) : null}
      <MessageList channelName={channel.name} messages={messages} />
      <Composer channel={channel} takeFocus={focusComposer} />
    </section>
  );
}
