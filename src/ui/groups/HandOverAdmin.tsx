import { useState } from 'react';
import type { GroupMember, GroupView } from '../../node/api-groups.ts';
import { useNode } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/**
 * The admin's **Hand over admin** on another member (spec 004 §5): asks once, then retires this authority as the
 * group's admin and names that member its successor. Not a proposal: the admin's own signature decides, and from
 * then on every member refuses this authority's renames and topics.
 */
export function HandOverAdmin({ group, member }: { readonly group: GroupView; readonly member: GroupMember }) {
  const node = useNode();
  const [asking, setAsking] = useState(false);
  const { pending, error, clearError, run } = useAction(() => node.groups.handOverAdmin(group.context, member.authority));
  if (!asking) {
    return (
      <button type="button" className="button small" data-testid="hand-over-admin" aria-label={`Hand over admin of ${group.name} to ${member.name}`} onClick={() => setAsking(true)}>
        Hand over admin
      </button>
    );
  }
  return (
    <span role="group" aria-label={`Hand over admin of ${group.name} to ${member.name}?`}>
      <span className="muted"> · you will no longer rename or set topics. </span>
      <button type="button" className="button small" data-testid="confirm-hand-over" disabled={pending} onClick={() => void run().then((ok) => ok && setAsking(false))}>
        Hand over to <span dir="auto">{member.name}</span>
      </button>
      <button type="button" className="button small" onClick={() => setAsking(false)}>
        Cancel
      </button>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </span>
  );
}
