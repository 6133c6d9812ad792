import type { ContextId } from '../../core/ids.ts';
import { useNodeQuery } from '../../node/hooks.ts';

/** In a group channel's header: how many of the group's proposals are pending (open Proposals to see them). */
export function PendingProposalsBadge({ context }: { readonly context: ContextId }) {
  const pending = useNodeQuery((n) => n.proposals.proposals(context).filter((p) => p.status.state.type === 'Pending').length, [context]);
  if (pending === 0) return null;
  return (
    <span className="channel-kind proposal-badge" data-testid="group-proposal-badge" data-count={pending} role="status">
      {pending} proposal{pending === 1 ? '' : 's'} pending
    </span>
  );
}
