import type { ChannelSummary } from '../node/api.ts';
import type { ChannelId } from '../core/ids.ts';
import { ChannelList } from './ChannelList.tsx';
import { CreateChannelForm } from './CreateChannelForm.tsx';
import { JoinChannelForm } from './JoinChannelForm.tsx';

interface Props {
  readonly id: string;
  readonly channels: readonly ChannelSummary[];
  readonly selected: ChannelId | null;
  readonly onSelect: (id: ChannelId) => void;
  readonly onCreated: (id: ChannelId) => void;
}

export function ChannelSidebar({ id, channels, selected, onSelect, onCreated }: Props) {
  return (
    <nav id={id} className="sidebar" aria-label="Channels">
      <h2 className="sidebar-title">Channels</h2>
      <ChannelList channels={channels} selected={selected} onSelect={onSelect} />
      {/* With no channel yet (as right after onboarding), naming one is the next step. */}
      <CreateChannelForm onCreated={onCreated} autoFocus={channels.length === 0} />
      <JoinChannelForm channels={channels} onSelect={onSelect} />
    </nav>
  );
}
