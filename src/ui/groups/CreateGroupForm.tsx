import { useId, useState, type FormEvent } from 'react';
import type { AuthorityId } from '../../core/ids.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ContactPicker, NeededOf } from '../contacts/ContactPicker.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/**
 * "Create a group" (a ceremony, DESIGN §7): a name, the contacts to invite, and how many of them must accept
 * (k of n, all of them by default). The group shows below once the node wrote its genesis.
 */
export function CreateGroupForm() {
  const node = useNode();
  const ids = { name: useId(), threshold: useId() };
  const contacts = useNodeQuery((n) => n.contacts.contacts());
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<readonly AuthorityId[]>([]);
  const [threshold, setThreshold] = useState<number | null>(null);
  const { pending, error, clearError, run } = useAction((n: string, invitees: readonly AuthorityId[], k: number) => node.groups.createGroup(n, invitees, k));
  const invitees = picked.filter((a) => contacts.some((c) => c.authority === a));
  const k = Math.min(threshold ?? invitees.length, invitees.length);
  const trimmed = name.trim();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (trimmed === '' || invitees.length === 0) return;
    if (await run(trimmed, invitees, k)) {
      setName('');
      setPicked([]);
      setThreshold(null);
    }
  }

  if (contacts.length === 0) {
    return <p className="muted" data-testid="create-group-no-contacts">A group is made of your contacts: add a contact first (Contacts).</p>;
  }
  return (
    <form className="card create-group" data-testid="create-group-form" onSubmit={submit} aria-labelledby="create-group-title">
      <h3 id="create-group-title" className="panel-subtitle">
        Create a group
      </h3>
      <label htmlFor={ids.name}>Group name</label>
      <input
        id={ids.name}
        className="input"
        data-testid="group-name-input"
        value={name}
        maxLength={64}
        dir="auto"
        onChange={(e) => setName(e.target.value)}
      />
      <ContactPicker legend="Invite" contacts={contacts} picked={picked} onChange={setPicked} testId="group-invitee-checkbox" />
      {invitees.length > 0 ? (
        <p>
          <label htmlFor={ids.threshold}>Created once </label>
          <NeededOf id={ids.threshold} count={invitees.length} value={k} onChange={setThreshold} testId="group-threshold" />{' '}
          of {invitees.length} invited accept{invitees.length > 1 && k === invitees.length ? ' (all)' : ''}
        </p>
      ) : null}
      <button type="submit" className="button primary" data-testid="create-group" disabled={pending || trimmed === '' || invitees.length === 0}>
        Create group
      </button>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
