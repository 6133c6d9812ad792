import { useId, useState, type FormEvent } from 'react';
import type { ProposalView } from '../../node/api-groups.ts';
import { useNode } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/** Approve, or Reject with an optional reason, for a proposal awaiting this authority's vote. */
export function VoteForm({ proposal }: { readonly proposal: ProposalView }) {
  const node = useNode();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const { pending, error, clearError, run } = useAction((approve: boolean) => node.proposals.vote(proposal.id, approve, approve ? undefined : reason));

  function reject(e: FormEvent) {
    e.preventDefault();
    void run(false);
  }

  return (
    <form className="vote-form" onSubmit={reject} aria-label={`Vote on: ${proposal.summary}`}>
      <button type="button" className="button primary" data-testid="approve-proposal" disabled={pending} onClick={() => void run(true)}>
        Approve
      </button>
      <label htmlFor={reasonId} className="sr-only">
        Reason for rejecting
      </label>
      <input
        id={reasonId}
        className="input"
        data-testid="reject-reason"
        placeholder="Reason (optional)"
        maxLength={256}
        dir="auto"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" className="button" data-testid="reject-proposal" disabled={pending}>
        Reject
      </button>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
