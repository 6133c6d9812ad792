import type { ChannelSummary } from '../node/api.ts';
import { useNodeQuery } from '../node/hooks.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';

/** One channel: its messages and the composer; remounted per channel so drafts and scroll don't leak across. */
export function MessagePane({ channel }: { readonly channel: ChannelSummary }) {
  const messages = useNodeQuery((n) => n.messages(channel.id).data, [channel.id]);
  return (
    <section className="pane" aria-labelledby="pane-title">
      <header className="pane-header">
        <h2 id="pane-title" className="pane-title">
          <span aria-hidden="true"># </span>
          {channel.name}
        </h2>
        {channel.topic ? <p className="pane-topic">{channel.topic}</p> : null}
      </header>
      <MessageList channelName={channel.name} messages={messages} />
      <Composer channel={channel} />
    </section>
  );
}
