import { useNodeQuery } from '../../node/hooks.ts';
import { deviceFingerprint } from './CeremonyStepper.tsx';

const ROLE = { initiator: 'Adding a device', joiner: 'Joining as a device' } as const;

/** Every enrollment ceremony of this tab, running or recently finished, with its CeremonyStatus. */
export function Ceremonies() {
  const ceremonies = useNodeQuery((n) => n.devices.ceremonies());
  if (ceremonies.length === 0) return null;
  return (
    <>
      <h4>Ceremonies</h4>
      <ul className="ceremony-list" data-testid="ceremony-list">
        {ceremonies.map((c) => (
          <li key={c.id} data-testid="ceremony-item" data-state={c.state.type}>
            {ROLE[c.role]}
            {c.peer !== null ? ` · ${deviceFingerprint(c.peer)}` : ''} · <strong>{c.state.type}</strong>
            {c.state.type === 'Aborted' ? ` — ${c.state.reason}` : ''}
          </li>
        ))}
      </ul>
    </>
  );
}
