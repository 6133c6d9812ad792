import type { AuthorityId } from '../../core/ids.ts';
import type { ContactView } from '../../node/api.ts';

interface Props {
  readonly legend: string;
  readonly contacts: readonly ContactView[];
  readonly picked: readonly AuthorityId[];
  readonly onChange: (picked: readonly AuthorityId[]) => void;
  readonly testId: string;
}

/** Contacts to tick (a group's invitees, guardians), each by the name this person knows them by. */
export function ContactPicker({ legend, contacts, picked, onChange, testId }: Props) {
  return (
    <fieldset className="group-pick">
      <legend>{legend}</legend>
      {contacts.map((c) => (
        <label key={c.authority} className="group-pick-item">
          <input
            type="checkbox"
            data-testid={testId}
            data-authority={c.authority}
            checked={picked.includes(c.authority)}
            onChange={(e) => onChange(e.target.checked ? [...picked, c.authority] : picked.filter((x) => x !== c.authority))}
          />{' '}
          <span dir="auto">{c.petname ?? c.displayName}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** "k of n": how many of those ticked are needed. */
export function NeededOf({ id, count, value, onChange, testId }: { readonly id: string; readonly count: number; readonly value: number; readonly onChange: (k: number) => void; readonly testId: string }) {
  return (
    <select id={id} className="input inline" data-testid={testId} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {Array.from({ length: count }, (_, i) => (
        <option key={i + 1} value={i + 1}>
          {i + 1}
        </option>
      ))}
    </select>
  );
}
