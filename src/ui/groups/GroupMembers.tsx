import type { GroupOperation, GroupView } from '../../node/api-groups.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';
import { HandOverAdmin } from './HandOverAdmin.tsx';

/**
 * A group's members with their roles, this authority marked "you"; for every other member (not the owner,
 * whom no proposal can remove or re-role) **Propose removal** and **Propose admin** / **Propose member**, and for
 * the owner's own view **Propose owner** (transfer), unless a proposal about them is already pending; for the
 * group's admin, **Hand over admin** on every other member (`HandOverAdmin`).
 */
export function GroupMembers({ group }: { readonly group: GroupView }) {
  const node = useNode();
  const me = useNodeQuery((n) => n.identity()?.authorityId ?? null);
  const pendingRemovals = useNodeQuery(
    (n) => new Set(n.proposals.proposals(group.context).filter((p) => p.operation !== 'archive-channel' && p.status.state.type === 'Pending').map((p) => p.args[0])),
    [group.context],
  );
  const { pending, error, clearError, run } = useAction((op: GroupOperation, args: readonly string[]) => node.proposals.propose(group.context, op, args));
  const iOwn = group.myRole === 'owner';
  const canPropose = group.myRole !== null && !group.removedMe && group.ceremony.state.type === 'Committed';
  return (
    <>
      <ul className="group-members" aria-label={`Members of ${group.name}`}>
        {group.members.map((m) => (
          <li key={m.authority} data-testid="group-member" data-role={m.role} data-me={m.authority === me || undefined}>
            <span dir="auto">{m.name}</span>
            {m.authority === me ? <span className="muted"> (you)</span> : null}
            <span className="group-role"> · {m.role}</span>
            {canPropose && m.authority !== me && m.role !== 'owner' ? (
              pendingRemovals.has(m.authority) ? (
                <span className="muted" data-testid="removal-pending">
                  {' '}
                  · change proposed
                </span>
              ) : (
                <>
                  <button
                    type="button"
                    className="button small"
                    data-testid="propose-removal"
                    aria-label={`Propose removing ${m.name} from ${group.name}`}
                    disabled={pending}
                    onClick={() => void run('remove-member', [m.authority])}
                  >
                    Propose removal
                  </button>
                  <button
                    type="button"
                    className="button small"
                    data-testid="propose-role"
                    aria-label={`Propose making ${m.name} ${m.role === 'admin' ? 'a member' : 'an admin'} of ${group.name}`}
                    disabled={pending}
                    onClick={() => void run('set-role', [m.authority, m.role === 'admin' ? 'member' : 'admin'])}
                  >
                    {m.role === 'admin' ? 'Propose member' : 'Propose admin'}
                  </button>
                  {iOwn ? (
                    <button
                      type="button"
                      className="button small"
                      data-testid="propose-transfer"
                      aria-label={`Propose handing ownership of ${group.name} to ${m.name}`}
                      disabled={pending}
                      onClick={() => void run('transfer-ownership', [m.authority])}
                    >
                      Propose owner
                    </button>
                  ) : null}
                </>
              )
            ) : null}
            {canPropose && group.admin === me && m.authority !== me ? <HandOverAdmin group={group} member={m} /> : null}
          </li>
        ))}
      </ul>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </>
  );
}
