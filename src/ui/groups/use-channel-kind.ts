import type { ContextId } from '../../core/ids.ts';
import { useNodeQuery } from '../../node/hooks.ts';

/** What a channel's context is: a group's (by invitation), a contact's (the two of you), or open to anyone with its link. */
export type ChannelKind =
  | { readonly kind: 'group'; readonly name: string; readonly removedMe: boolean; readonly invited: boolean }
  | { readonly kind: 'contact' }
  | { readonly kind: 'link' };

/**
 * The kind of each context, from the node's groups, open invitations and contacts only (the UI never parses a
 * context id). A context none of them names is an "anyone with the link" channel.
 */
export function useChannelKinds(): (context: ContextId) => ChannelKind {
  return useNodeQuery((n) => {
    const kinds = new Map<ContextId, ChannelKind>();
    for (const c of n.contacts.contacts()) kinds.set(c.context, { kind: 'contact' });
    for (const i of n.groups.invitations()) kinds.set(i.context, { kind: 'group', name: i.name, removedMe: false, invited: true });
    for (const g of n.groups.groups()) kinds.set(g.context, { kind: 'group', name: g.name, removedMe: g.removedMe, invited: false });
    return (context: ContextId): ChannelKind => kinds.get(context) ?? { kind: 'link' };
  });
}
