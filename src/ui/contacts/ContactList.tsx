import type { ChannelId } from '../../core/ids.ts';
import { useNodeQuery } from '../../node/hooks.ts';
import { ContactItem } from './ContactItem.tsx';

/** Everyone this device made a contact by invitation, as `node.contacts.contacts()` lists them. */
export function ContactList({ onOpenChannel }: { readonly onOpenChannel: (id: ChannelId) => void }) {
  const contacts = useNodeQuery((n) => n.contacts.contacts());
  if (contacts.length === 0) return <p className="hint" data-testid="no-contacts">No contacts yet.</p>;
  return (
    <ul className="contact-list" data-testid="contact-list">
      {contacts.map((c) => (
        <ContactItem key={c.authority} contact={c} onOpenChannel={onOpenChannel} />
      ))}
    </ul>
  );
}
