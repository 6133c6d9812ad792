import { useLayoutEffect, useRef } from 'react';
import type { MessageView } from '../node/api.ts';
import { MessageItem } from './MessageItem.tsx';

interface Props {
  readonly channelName: string;
  readonly messages: readonly MessageView[];
}

/** How close to the bottom still counts as "reading the latest", in px. */
const STICK_THRESHOLD = 48;

export function MessageList({ channelName, messages }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const last = messages[messages.length - 1];

  // Follow new messages only when the reader was already at the bottom or wrote the newest one.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && (atBottom.current || last?.own)) el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.own]);

  return (
    <div
      ref={scroller}
      className="message-scroll"
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD;
      }}
    >
      {messages.length === 0 ? <p className="muted empty">No messages yet. Say hello.</p> : null}
      <ol className="message-list" data-testid="message-list" role="log" aria-label={`Messages in ${channelName}`}>
        {messages.map((m) => (
          <MessageItem key={m.id} message={m} />
        ))}
      </ol>
    </div>
  );
}
