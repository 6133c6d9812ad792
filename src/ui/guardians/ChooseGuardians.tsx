import { useId, useState, type FormEvent } from 'react';
import type { AuthorityId } from '../../core/ids.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ContactPicker, NeededOf } from '../contacts/ContactPicker.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/** Waiting periods a person picks from: long enough to notice and cancel a recovery that is not theirs. */
export const WAITING_PERIODS = [
  { ms: 30_000, label: '30 seconds (to try it out)' },
  { ms: 3_600_000, label: '1 hour' },
  { ms: 86_400_000, label: '1 day' },
  { ms: 3 * 86_400_000, label: '3 days' },
] as const;

export const waitingLabel = (ms: number): string => WAITING_PERIODS.find((p) => p.ms === ms)?.label ?? `${Math.round(ms / 1000)} s`;

/**
 * "Choose guardians" (a ceremony, DESIGN §2, §7): contacts who together can give this identity a new device
 * when every device is lost; how many are needed; how long they wait before signing. Choosing again rotates.
 */
export function ChooseGuardians({ rotating }: { readonly rotating: boolean }) {
  const node = useNode();
  const ids = { threshold: useId(), delay: useId() };
  const contacts = useNodeQuery((n) => n.contacts.contacts());
  const [picked, setPicked] = useState<readonly AuthorityId[]>([]);
  const [threshold, setThreshold] = useState<number | null>(null);
  const [delayMs, setDelayMs] = useState<number>(WAITING_PERIODS[2].ms);
  const { pending, error, clearError, run } = useAction((g: readonly AuthorityId[], t: number, d: number) => node.guardians.setGuardians(g, t, d));
  const chosen = picked.filter((a) => contacts.some((c) => c.authority === a));
  // A majority by default: one guardian alone can neither recover nor block.
  const k = Math.min(threshold ?? Math.floor(chosen.length / 2) + 1, chosen.length);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (chosen.length > 0 && (await run(chosen, k, delayMs))) {
      setPicked([]);
      setThreshold(null);
    }
  }

  if (contacts.length === 0) return <p className="muted">Guardians are contacts you trust: add a contact first (Contacts).</p>;
  return (
    <form className="card" data-testid="choose-guardians" onSubmit={submit} aria-label={rotating ? 'Change guardians' : 'Choose guardians'}>
      <p className="hint">If you lose every device, these contacts together can make a new device yours. They never read your messages.</p>
      <ContactPicker legend={rotating ? 'New guardians' : 'Guardians'} contacts={contacts} picked={picked} onChange={setPicked} testId="guardian-checkbox" />
      {chosen.length > 0 ? (
        <p>
          <NeededOf id={ids.threshold} count={chosen.length} value={k} onChange={setThreshold} testId="guardian-threshold" />{' '}
          <label htmlFor={ids.threshold}>of {chosen.length} must approve a recovery</label>
        </p>
      ) : null}
      <p>
        <label htmlFor={ids.delay}>They wait </label>
        <select id={ids.delay} className="input inline" data-testid="guardian-delay" value={delayMs} onChange={(e) => setDelayMs(Number(e.target.value))}>
          {WAITING_PERIODS.map((p) => (
            <option key={p.ms} value={p.ms}>
              {p.label}
            </option>
          ))}
        </select>{' '}
        before signing, so your other devices can cancel.
      </p>
      <button type="submit" className="button primary" data-testid="set-guardians" disabled={pending || chosen.length === 0}>
        {rotating ? 'Change guardians' : 'Ask them'}
      </button>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </form>
  );
}
