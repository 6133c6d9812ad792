import type { ContextId } from '../../core/ids.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/** Invitations to groups not answered yet: the group, who invites, Accept / Decline (each answer is a fact). */
export function GroupInvitations() {
  const node = useNode();
  const invitations = useNodeQuery((n) => n.groups.invitations());
  const { pending, error, clearError, run } = useAction((context: ContextId, accept: boolean) =>
    accept ? node.groups.accept(context) : node.groups.decline(context),
  );
  if (invitations.length === 0 && error === null) return null;
  return (
    <section aria-labelledby="group-invitations-title">
      <h3 id="group-invitations-title" className="panel-subtitle">
        Invitations
      </h3>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      <ul className="group-invitations">
        {invitations.map((i) => (
          <li key={i.context} data-testid="group-invitation" data-context={i.context}>
            <span dir="auto" className="group-invitation-from">
              {i.fromName}
            </span>{' '}
            invites you to <strong dir="auto">{i.name}</strong>{' '}
            <button type="button" className="button primary small" data-testid="accept-group" aria-label={`Accept the invitation to ${i.name}`} disabled={pending} onClick={() => void run(i.context, true)}>
              Accept
            </button>{' '}
            <button type="button" className="button small" data-testid="decline-group" aria-label={`Decline the invitation to ${i.name}`} disabled={pending} onClick={() => void run(i.context, false)}>
              Decline
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
