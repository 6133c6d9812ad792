import { useId, useState, type FormEvent } from 'react';
import type { ContactView } from '../../node/api.ts';
import { useNode } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/** The name this device gives a contact (never shared with anyone); saving it empty removes it. */
export function PetnameForm({ contact }: { readonly contact: ContactView }) {
  const node = useNode();
  const inputId = useId();
  const [draft, setDraft] = useState(contact.petname ?? '');
  const save = useAction((name: string) => node.contacts.setPetname(contact.authority, name));
  const unchanged = draft.trim() === (contact.petname ?? '');

  function submit(e: FormEvent) {
    e.preventDefault();
    void save.run(draft);
  }

  return (
    <form className="petname-form" onSubmit={submit}>
      <label htmlFor={inputId}>
        Your name for <bdi>{contact.displayName}</bdi> (only on this device)
      </label>
      <div className="petname-row">
        <input
          id={inputId}
          className="input"
          data-testid="contact-petname-input"
          dir="auto"
          maxLength={64}
          value={draft}
          placeholder={contact.displayName}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button" data-testid="save-petname" disabled={save.pending || unchanged}>
          Save
        </button>
      </div>
      {save.error !== null ? <ErrorAlert error={save.error} onDismiss={save.clearError} /> : null}
    </form>
  );
}
