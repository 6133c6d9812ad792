import type { ChannelId } from '../core/ids.ts';
import { useNode } from '../node/hooks.ts';
import { InlineTextForm } from './InlineTextForm.tsx';

interface Props {
  /** The new channel is selected and its composer focused, so the next Enter cannot make a second channel. */
  readonly onCreated: (id: ChannelId) => void;
  readonly autoFocus: boolean;
}

/** Inline: creating a channel is optimistic (category A), so the form clears as soon as the node accepts it. */
export function CreateChannelForm({ onCreated, autoFocus }: Props) {
  const node = useNode();
  return (
    <InlineTextForm
      className="create-channel"
      label="New channel name"
      submitLabel="Create channel"
      inputTestId="new-channel-input"
      submitTestId="create-channel"
      write={async (name) => onCreated(await node.createChannel(name))}
      placeholder="e.g. general"
      autoFocus={autoFocus}
    />
  );
}
