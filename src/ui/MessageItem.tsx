import { memo } from 'react';
import type { MessageView } from '../node/api.ts';
import { formatDateTime, formatTime } from './format.ts';
import { Reactions } from './Reactions.tsx';
import { StatusIndicator } from './StatusIndicator.tsx';

interface Props {
  readonly message: MessageView;
}

/** Memoised: the node reuses an unchanged message's view object, so only changed messages re-render. */
export const MessageItem = memo(function MessageItem({ message: m }: Props) {
  return (
    <li className={m.own ? 'message own' : 'message'} data-testid="message" data-message-id={m.id}>
      <div className="message-meta">
        <span className="message-author" data-testid="message-author" dir="auto">
          {m.authorName}
        </span>
        <time className="message-time" dateTime={new Date(m.sentAt).toISOString()} title={formatDateTime(m.sentAt)}>
          {formatTime(m.sentAt)}
        </time>
        {m.own ? <StatusIndicator messageId={m.id} indicator={m.indicator} progress={m.progress} alone={m.expected.length === 0} /> : null}
      </div>
      <p className="message-text" data-testid="message-text" dir="auto">
        {m.text}
      </p>
      <Reactions channel={m.channel} message={m.id} reactions={m.reactions} />
    </li>
  );
});
