import { useId, useRef, useState } from 'react';
import type { ChannelSummary } from '../node/api.ts';
import { useNodeQuery } from '../node/hooks.ts';
import { ChannelShare } from './ChannelShare.tsx';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';

/** Messages rendered at first; older ones load on request, so a long history never blocks a render. */
const PAGE = 200;

/** One channel: its messages and the composer; remounted per channel so drafts and scroll don't leak across. */
export function MessagePane({ channel }: { readonly channel: ChannelSummary }) {
  const [limit, setLimit] = useState(PAGE);
  const [sharing, setSharing] = useState(false);
  const shareButton = useRef<HTMLButtonElement>(null);
  const shareId = useId();
  const messages = useNodeQuery((n) => n.messages(channel.id, limit).data, [channel.id, limit]);
  const hidden = channel.messageCount - messages.length;
  return (
    <section className="pane" aria-labelledby="pane-title">
      <header className="pane-header">
        <div className="pane-heading">
          <h2 id="pane-title" className="pane-title">
            <span aria-hidden="true"># </span>
            {channel.name}
          </h2>
          {channel.topic ? <p className="pane-topic">{channel.topic}</p> : null}
        </div>
        <button
          ref={shareButton}
          type="button"
          className="button share-button"
          data-testid="share-channel"
          aria-expanded={sharing}
          aria-controls={sharing ? shareId : undefined}
          onClick={() => setSharing((s) => !s)}
        >
          Share
        </button>
        {sharing ? (
          <ChannelShare
            id={shareId}
            channel={channel}
            onClose={() => {
              setSharing(false);
              shareButton.current?.focus();
            }}
          />
        ) : null}
      </header>
      {hidden > 0 ? (
        <button type="button" className="button link older" data-testid="show-earlier" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, hidden)} earlier messages
        </button>
      ) : null}
      <MessageList channelName={channel.name} messages={messages} />
      <Composer channel={channel} />
    </section>
  );
}
