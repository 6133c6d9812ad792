import type { GroupView } from '../../node/api-groups.ts';
import { GroupCeremony } from './GroupCeremony.tsx';
import { GroupMembers } from './GroupMembers.tsx';

const ROLE_TEXT = { owner: 'the owner', admin: 'an admin', member: 'a member' } as const;

/** One group: its name, its creation ceremony, its members; "You were removed from …" once a proposal removed us. */
export function GroupCard({ group }: { readonly group: GroupView }) {
  const titleId = `group-${group.context}`;
  return (
    <li className="group-card" data-testid="group" data-context={group.context} data-removed={group.removedMe || undefined} aria-labelledby={titleId}>
      <h4 id={titleId} className="group-name">
        <span dir="auto" data-testid="group-name">
          {group.name}
        </span>
        {group.myRole !== null ? <span className="muted"> · you are {ROLE_TEXT[group.myRole]}</span> : null}
      </h4>
      {group.removedMe ? (
        <p className="alert group-removed" role="status" data-testid="group-removed">
          You were removed from <strong dir="auto">{group.name}</strong>. New messages in it are sealed under a key you do not hold.
        </p>
      ) : null}
      <GroupCeremony group={group} />
      <GroupMembers group={group} />
    </li>
  );
}
