import type { ChannelKind } from './use-channel-kind.ts';

/** A small tag beside a channel's name: "Group: team" (by invitation) or "anyone with the link"; none for a contact's. */
export function ChannelKindTag({ kind }: { readonly kind: ChannelKind }) {
  if (kind.kind === 'contact') return null;
  if (kind.kind === 'link') {
    return (
      <span className="channel-kind" data-testid="channel-kind" data-kind="link" title="Anyone with the join code can join this channel">
        anyone with the link
      </span>
    );
  }
  return (
    <span className="channel-kind group" data-testid="channel-kind" data-kind="group" title="Members join by invitation only">
      Group: <span dir="auto">{kind.name}</span>
      {kind.invited ? ' (invited)' : kind.removedMe ? ' (removed)' : ''}
    </span>
  );
}
