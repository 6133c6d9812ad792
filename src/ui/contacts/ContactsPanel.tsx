import type { ChannelId } from '../../core/ids.ts';
import { useNodeQuery } from '../../node/hooks.ts';
import { Ceremonies } from '../devices/Ceremonies.tsx';
import { GuardingSection } from '../guardians/GuardingSection.tsx';
import { ModalPanel } from '../ModalPanel.tsx';
import { ContactList } from './ContactList.tsx';
import { EnterContactCode } from './EnterContactCode.tsx';
import { InviteContact } from './InviteContact.tsx';

const INVITATION_ROLES = { inviter: 'Inviting', invitee: 'Invited' } as const;

/** The contacts screen (DESIGN §11) in a modal <dialog>: both sides of an invitation, then the contacts. */
export function ContactsPanel({ onClose, onOpenChannel }: { readonly onClose: () => void; readonly onOpenChannel: (id: ChannelId) => void }) {
  const ceremonies = useNodeQuery((n) => n.contacts.ceremonies());

  return (
    <ModalPanel testId="contacts-panel" title="Contacts" onClose={onClose}>
      <section aria-labelledby="contacts-add-heading">
        <h3 id="contacts-add-heading">Add a contact</h3>
        <InviteContact />
      </section>
      <section aria-labelledby="contacts-code-heading">
        <h3 id="contacts-code-heading">Enter a contact’s code</h3>
        <EnterContactCode />
      </section>
      <section aria-labelledby="contacts-list-heading">
        <h3 id="contacts-list-heading">Your contacts</h3>
        <ContactList onOpenChannel={onOpenChannel} />
      </section>
      <Ceremonies ceremonies={ceremonies} roles={INVITATION_ROLES} />
      <GuardingSection />
    </ModalPanel>
  );
}
