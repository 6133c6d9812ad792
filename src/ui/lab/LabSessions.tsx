import type { LabReport } from '../../node/lab/lab-types.ts';
import { tabName } from './lab-graph.ts';

/** Each tab's running sync sessions, then its most recent ones, newest first, as its node reports them. */
export function LabSessions({ tabs }: { readonly tabs: readonly LabReport[] }) {
  const rows = tabs.flatMap((t) =>
    t.sessions.map((s, i) => ({ key: `${t.device}|${i}`, tab: t, s, channel: t.contexts.find((c) => c.context.endsWith(`:${s.context}`))?.name ?? null })),
  );
  if (rows.length === 0) return <p className="muted">No sync sessions yet.</p>;
  return (
    <ul className="lab-sessions" data-testid="lab-sessions">
      {rows.map(({ key, tab, s, channel }) => (
        <li key={key} data-testid="lab-session" data-state={s.state} className={s.state === 'running' ? 'lab-running' : s.state === 'ok' ? undefined : 'lab-bad'}>
          {tabName(tabs, tab.device)} ⇄ {tabName(tabs, s.peer)} · {channel !== null ? `#${channel}` : 'context'} · {s.state} · {s.detail}
        </li>
      ))}
    </ul>
  );
}
