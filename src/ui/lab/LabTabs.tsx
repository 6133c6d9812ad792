import type { LabReport } from '../../node/lab/lab-types.ts';
import { shortId } from '../format.ts';
import { tabName } from './lab-graph.ts';
import { TabFaults } from './TabFaults.tsx';

function faultsText(t: LabReport, tabs: readonly LabReport[]): string {
  const f = t.faults;
  const parts = [
    f.offline ? 'offline' : null,
    f.blocked.length > 0 ? `cut from ${f.blocked.map((d) => tabName(tabs, d)).join(', ')}` : null,
    f.latencyMs > 0 ? `+${f.latencyMs} ms` : null,
    f.loss > 0 ? `${f.loss / 10}% loss` : null,
  ].filter((p) => p !== null);
  return parts.length === 0 ? 'no faults' : parts.join(' · ');
}

/** Every live tab: who it is, its device, relay and links, its faults and the controls to change them. */
export function LabTabs({ tabs, self }: { readonly tabs: readonly LabReport[]; readonly self: string }) {
  return (
    <ul className="lab-tabs">
      {tabs.map((t) => (
        <li key={t.device} className="lab-tab" data-testid="lab-tab" data-device={t.device} data-name={tabName(tabs, t.device)}>
          <p>
            <strong>{tabName(tabs, t.device)}</strong>
            {t.device === self ? ' (this tab)' : ''} <span className="muted">profile {t.profile}</span>
          </p>
          <p className="muted">
            Device <span className="id" title={t.device}>{shortId(t.device)}</span>
            {t.identity ? (
              <>
                {' '}· authority <span className="id" title={t.identity.authority}>{shortId(t.identity.authority)}</span>
              </>
            ) : (
              ' · no identity yet'
            )}
          </p>
          <p className="muted">
            Relay {t.relay} · {t.links.length} peer{t.links.length === 1 ? '' : 's'} ·{' '}
            <span data-testid="lab-tab-faults">{faultsText(t, tabs)}</span>
          </p>
          {t.forwarded.map((f) => (
            <p key={f.peer} className="muted" data-testid="lab-tab-via" data-peer={f.peer} data-via={f.via} data-receipts={f.receipts}>
              Reaches {tabName(tabs, f.peer)} via {tabName(tabs, f.via)} ({f.received} forwarded message{f.received === 1 ? '' : 's'} in ·{' '}
              {f.receipts} receipt{f.receipts === 1 ? '' : 's'} kept)
            </p>
          ))}
          <TabFaults tab={t} tabs={tabs} />
        </li>
      ))}
    </ul>
  );
}
