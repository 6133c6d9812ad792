import type { ProposalView } from '../../node/api-groups.ts';
import { useNode } from '../../node/hooks.ts';
import { formatDateTime } from '../format.ts';
import { INDICATOR_GLYPH } from '../status-text.ts';

/** Names, joined: "alice, bob"; "nobody" for none. */
function names(list: readonly string[], nameOf: (a: string) => string): string {
  return list.length === 0 ? 'nobody' : list.map(nameOf).join(', ');
}

/**
 * A proposal's DeferredStatus in words (DESIGN §4): Pending with approvals x of y, who approved and who is
 * awaited; Approved; Rejected by whom and why; Expired; Superseded by which. Then what became of it: the applied
 * agreement (◆ once the group's witnesses finalized it) or why it was not applied.
 */
export function ProposalStatus({ proposal, summaryOf }: { readonly proposal: ProposalView; readonly summaryOf: (id: string) => string | null }) {
  const { names: n } = useNode();
  const nameOf = (a: string) => n.nameOf(a);
  const { state, approvals, expiresAt } = proposal.status;
  return (
    <div className="proposal-status">
      <p data-testid="proposal-state" data-state={state.type}>
        <strong>{state.type}</strong>
        {state.type === 'Pending' ? (
          <>
            {' '}
            · <span data-testid="proposal-approvals" data-approved={approvals.approvedBy.length} data-required={approvals.required}>
              approvals {approvals.approvedBy.length} of {approvals.required}
            </span>{' '}
            · expires {formatDateTime(expiresAt)}
          </>
        ) : null}
        {state.type === 'Rejected' ? (
          <span data-testid="proposal-rejected">
            {' '}
            by <span dir="auto">{nameOf(state.by)}</span>
            {state.reason ? (
              <>
                : “<span dir="auto">{state.reason}</span>”
              </>
            ) : null}
          </span>
        ) : null}
        {state.type === 'Expired' ? <> at {formatDateTime(expiresAt)}, before enough approvals</> : null}
        {state.type === 'Superseded' ? (
          <span data-testid="proposal-superseded"> by “{summaryOf(state.by) ?? 'a later proposal'}”</span>
        ) : null}
      </p>
      <p className="muted">
        Approved by <span dir="auto" data-testid="proposal-approved-by">{names(approvals.approvedBy, nameOf)}</span>
        {approvals.rejectedBy.length > 0 ? (
          <>
            {' '}
            · rejected by <span dir="auto">{names(approvals.rejectedBy, nameOf)}</span>
          </>
        ) : null}
        {state.type === 'Pending' ? (
          <>
            {' '}
            · awaiting <span dir="auto" data-testid="proposal-awaiting">{names(approvals.awaiting, nameOf)}</span>
          </>
        ) : null}
      </p>
      <Applied applied={proposal.applied} />
    </div>
  );
}

/** What an approved proposal did: applied, with its agreement (◆ Finalized like a message's indicator), or why not. */
function Applied({ applied }: { readonly applied: ProposalView['applied'] }) {
  if (applied === null) return null;
  if ('ignored' in applied) {
    return (
      <p className="hint" data-testid="proposal-applied" data-applied="false">
        Not applied: {applied.ignored}.
      </p>
    );
  }
  const finalized = applied.agreement.level === 'Finalized';
  return (
    <p className="hint" data-testid="proposal-applied" data-applied="true" data-agreement={applied.agreement.level}>
      Applied ·{' '}
      {finalized ? (
        <span className="status-finalized" data-testid="proposal-finalized">
          <span className="status-glyph" aria-hidden="true">
            {INDICATOR_GLYPH.Finalized}
          </span>{' '}
          Finalized
        </span>
      ) : (
        <span>{applied.agreement.level === 'SoftSafe' ? 'agreed (soft-safe)' : 'provisional'}, waiting for the witnesses’ checkpoint</span>
      )}
    </p>
  );
}
