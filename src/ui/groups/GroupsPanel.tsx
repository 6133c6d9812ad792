import { useNodeQuery } from '../../node/hooks.ts';
import { ModalPanel } from '../ModalPanel.tsx';
import { CreateGroupForm } from './CreateGroupForm.tsx';
import { GroupCard } from './GroupCard.tsx';
import { GroupInvitations } from './GroupInvitations.tsx';

/** Groups (DESIGN §11): invitations waiting for an answer, "Create a group" from contacts, and every group here. */
export function GroupsPanel({ onClose }: { readonly onClose: () => void }) {
  const groups = useNodeQuery((n) => n.groups.groups());
  return (
    <ModalPanel testId="groups-panel" title="Groups" onClose={onClose}>
      <GroupInvitations />
      <CreateGroupForm />
      <h3 className="panel-subtitle">Your groups</h3>
      {groups.length === 0 ? (
        <p className="muted">No groups yet. Its channel appears in your channel list once a group is created.</p>
      ) : (
        <ul className="group-list" data-testid="group-list">
          {groups.map((g) => (
            <GroupCard key={g.context} group={g} />
          ))}
        </ul>
      )}
    </ModalPanel>
  );
}
