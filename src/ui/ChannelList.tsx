import type { ChannelId } from '../core/ids.ts';
import type { ChannelSummary } from '../node/api.ts';
import { useNode } from '../node/hooks.ts';
import { useReadMarks } from './use-read-marks.ts';
import { channelTags } from './channel-tags.ts';
import { ChannelKindTag } from './groups/ChannelKindTag.tsx';
import { useChannelKinds } from './groups/use-channel-kind.ts';

interface Props {
  readonly channels: readonly ChannelSummary[];
  readonly selected: ChannelId | null;
  readonly onSelect: (id: ChannelId) => void;
}

export function ChannelList({ channels, selected, onSelect }: Props) {
  const unread = useReadMarks(useNode().profile, channels, selected);
  const tags = channelTags(channels);
  const kindOf = useChannelKinds();
  return (
    <>
      {channels.length === 0 ? <p className="muted">No channels yet.</p> : null}
      <ul className="channel-list" data-testid="channel-list">
      {channels.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            className="channel-item"
            data-testid="channel-item"
            aria-current={c.id === selected ? 'page' : undefined}
            onClick={() => onSelect(c.id)}
          >
            <span aria-hidden="true"># </span>
            <span className="channel-name">
              <span dir="auto">{c.name}</span>
              {tags.has(c.id) ? <span className="channel-tag" data-testid="channel-tag"> {tags.get(c.id)}</span> : null}
              <ChannelKindTag kind={kindOf(c.context)} />
            </span>
            {unread(c) > 0 ? (
              <span className="channel-count" data-testid="channel-unread" aria-label={`${unread(c)} unread`}>
                {unread(c)}
              </span>
            ) : null}
          </button>
        </li>
      ))}
      </ul>
    </>
  );
}
