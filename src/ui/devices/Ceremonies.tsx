import type { CeremonyState } from '../../core/consistency/ceremony-status.ts';
import type { DeviceId } from '../../core/ids.ts';
import { deviceFingerprint } from './CeremonyStepper.tsx';

interface Listed<R extends string> {
  readonly id: string;
  readonly role: R;
  readonly peer: DeviceId | null;
  readonly state: Exclude<CeremonyState, { type: 'Committed' }> | { readonly type: 'Committed' };
}

/**
 * Every ceremony of one kind in this tab, running or recently finished, with its CeremonyStatus: a superseded
 * or aborted one stays readable after the screen moved on to a newer one. `roles` names what each side does.
 */
export function Ceremonies<R extends string>({ ceremonies, roles }: { readonly ceremonies: readonly Listed<R>[]; readonly roles: Readonly<Record<R, string>> }) {
  if (ceremonies.length === 0) return null;
  return (
    <>
      <h4>Ceremonies</h4>
      <ul className="ceremony-list" data-testid="ceremony-list">
        {ceremonies.map((c) => (
          <li key={c.id} data-testid="ceremony-item" data-state={c.state.type}>
            {roles[c.role]}
            {c.peer !== null ? ` · ${deviceFingerprint(c.peer)}` : ''} · <strong>{c.state.type}</strong>
            {c.state.type === 'Aborted' ? ` — ${c.state.reason}` : ''}
          </li>
        ))}
      </ul>
    </>
  );
}
