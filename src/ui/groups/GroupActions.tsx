import { useState } from 'react';
import { useNodeQuery } from '../../node/hooks.ts';
import { lazyView } from '../lazy-view.ts';

// Loaded on the first open: no first screen needs them.
const GroupsPanel = lazyView(async () => (await import('./GroupsPanel.tsx')).GroupsPanel);
const ProposalsPanel = lazyView(async () => (await import('../proposals/ProposalsPanel.tsx')).ProposalsPanel);

/**
 * The header's **Groups** (with the count of invitations waiting) and **Proposals** (with the count awaiting
 * this authority's vote) buttons, and their modal panels.
 */
export function GroupActions() {
  const [open, setOpen] = useState<'groups' | 'proposals' | null>(null);
  const invitations = useNodeQuery((n) => n.groups.invitations().length);
  const awaiting = useNodeQuery((n) => n.proposals.proposals().filter((p) => p.awaitingMe).length);
  return (
    <>
      <button type="button" className="button" data-testid="open-groups-panel" aria-haspopup="dialog" aria-expanded={open === 'groups'} onClick={() => setOpen('groups')}>
        Groups
        <Badge count={invitations} testId="groups-badge" what="invitation" />
      </button>
      <button type="button" className="button" data-testid="open-proposals-panel" aria-haspopup="dialog" aria-expanded={open === 'proposals'} onClick={() => setOpen('proposals')}>
        Proposals
        <Badge count={awaiting} testId="proposals-badge" what="awaiting your vote" />
      </button>
      {open === 'groups' ? <GroupsPanel onClose={() => setOpen(null)} /> : null}
      {open === 'proposals' ? <ProposalsPanel onClose={() => setOpen(null)} /> : null}
    </>
  );
}

function Badge({ count, testId, what }: { readonly count: number; readonly testId: string; readonly what: string }) {
  if (count === 0) return null;
  return (
    <span className="header-badge" data-testid={testId} data-count={count}>
      <span aria-hidden="true">{count}</span>
      <span className="sr-only">
        , {count} {what === 'invitation' ? `invitation${count === 1 ? '' : 's'}` : what}
      </span>
    </span>
  );
}
