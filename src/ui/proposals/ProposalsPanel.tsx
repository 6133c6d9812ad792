import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ModalPanel } from '../ModalPanel.tsx';
import { ProposalStatus } from './ProposalStatus.tsx';
import { VoteForm } from './VoteForm.tsx';

/** Proposals (DESIGN §7, §11) of every group here, newest first: each with its DeferredStatus, and a vote when awaited. */
export function ProposalsPanel({ onClose }: { readonly onClose: () => void }) {
  const proposals = useNodeQuery((n) => [...n.proposals.proposals()].sort((a, b) => b.createdAt - a.createdAt));
  const groups = useNodeQuery((n) => new Map(n.groups.groups().map((g) => [g.context, g.name])));
  const { names } = useNode();
  const summaryOf = (id: string) => proposals.find((p) => p.id === id)?.summary ?? null;
  return (
    <ModalPanel testId="proposals-panel" title="Proposals" onClose={onClose}>
      {proposals.length === 0 ? (
        <p className="muted">No proposals. Propose a change (e.g. removing a member) from a group in Groups.</p>
      ) : (
        <ul className="proposal-list" data-testid="proposal-list">
          {proposals.map((p) => (
            <li key={p.id} className="proposal" data-testid="proposal" data-proposal={p.id} data-awaiting-me={p.awaitingMe || undefined}>
              <p className="proposal-head">
                <strong dir="auto" data-testid="proposal-summary">
                  {p.summary}
                </strong>{' '}
                <span className="muted">
                  in <span dir="auto">{groups.get(p.context) ?? 'a group'}</span>, proposed by <span dir="auto">{names.nameOf(p.proposer)}</span>
                </span>
              </p>
              <ProposalStatus proposal={p} summaryOf={summaryOf} />
              {p.awaitingMe ? <VoteForm proposal={p} /> : null}
            </li>
          ))}
        </ul>
      )}
    </ModalPanel>
  );
}
