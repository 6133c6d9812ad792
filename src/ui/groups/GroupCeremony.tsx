import type { GroupView } from '../../node/api-groups.ts';
import { formatTime } from '../format.ts';

const STEPS = [
  { key: 'Preparing', label: 'Invitations sent' },
  { key: 'PendingEpoch', label: 'Waiting for the invitees' },
  { key: 'Committing', label: 'Creating the group' },
  { key: 'Committed', label: 'Committed' },
] as const;

const ANSWER: Record<GroupView['invitees'][number]['response'], string> = { Accepted: '✓ accepted', Rejected: '✗ declined', Pending: '… no answer yet' };

/**
 * The group's creation ceremony (CeremonyStatus, DESIGN §7) as steps: invitations → waiting for k of n →
 * Committed, or Aborted with the reason; below it, who answered what. Everything shown is the node's state.
 */
export function GroupCeremony({ group }: { readonly group: GroupView }) {
  const { state, threshold, responses } = group.ceremony;
  const at = STEPS.findIndex((s) => s.key === state.type);
  const ended = state.type === 'Aborted' || state.type === 'Superseded';
  const accepted = responses.filter((r) => r.response === 'Accepted').length;
  return (
    <div className="ceremony" data-testid="group-ceremony" data-state={state.type}>
      <ol className="ceremony-steps" aria-label={`Creation of ${group.name}`}>
        {STEPS.map((s, i) => {
          const done = !ended && (i < at || state.type === 'Committed');
          const current = !ended && i === at && state.type !== 'Committed';
          return (
            <li key={s.key} className={done ? 'done' : current ? 'current' : ''} aria-current={current ? 'step' : undefined}>
              {done ? '✓ ' : current ? '… ' : ''}
              {s.label}
              {s.key === 'PendingEpoch' ? (
                <span data-testid="group-ceremony-progress">
                  {' '}
                  ({state.type === 'PendingEpoch' ? state.receivedResponses : accepted} of {state.type === 'PendingEpoch' ? state.requiredResponses : threshold})
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
      <ul className="group-answers" aria-label="Answers">
        {group.invitees.map((x) => (
          <li key={x.authority} data-testid="group-invitee" data-response={x.response}>
            <span dir="auto">{x.name}</span>: {ANSWER[x.response]}
          </li>
        ))}
      </ul>
      {state.type === 'Committed' ? (
        <p className="hint" data-testid="group-ceremony-result">
          Committed at {formatTime(state.committedAt)}: {accepted} of {responses.length} accepted (needed {threshold}).
        </p>
      ) : null}
      {state.type === 'Aborted' ? (
        <p role="status" className="hint" data-testid="group-ceremony-result">
          Aborted: {state.reason}.
        </p>
      ) : null}
      {state.type === 'Superseded' ? (
        <p role="status" className="hint" data-testid="group-ceremony-result">
          Replaced by another ceremony.
        </p>
      ) : null}
    </div>
  );
}
