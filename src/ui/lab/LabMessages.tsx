import type { OptimisticIndicator } from '../../core/consistency/optimistic-status.ts';
import type { LabMessage, LabReport } from '../../node/lab/lab-types.ts';
import { INDICATOR_GLYPH } from '../status-text.ts';
import { TabsTable } from './TabsTable.tsx';

/** What a tab says of a message: the node's status for its author's own tab, "received" elsewhere, — if absent. */
function cell(m: LabMessage | undefined): { text: string; status: string } {
  if (!m) return { text: '—', status: 'absent' };
  if (!m.own) return { text: 'received', status: 'received' };
  const glyph = INDICATOR_GLYPH[m.status as OptimisticIndicator] ?? '?';
  return { text: `${glyph} ${m.status}`, status: m.status };
}

/** Each recent message and its status on every tab, side by side. */
export function LabMessages({ tabs }: { readonly tabs: readonly LabReport[] }) {
  const rows = [...new Map(tabs.flatMap((t) => t.messages.map((m) => [m.id, m] as const))).values()];
  if (rows.length === 0) return <p className="muted">No messages yet.</p>;
  return (
    <TabsTable testId="lab-messages" first="Message" tabs={tabs}>
      {rows.map((r) => (
        <tr key={r.id} data-testid="lab-message-row" data-id={r.id} data-text={r.text}>
          <th scope="row">
            #{r.channel} · {r.author}: {r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text}
          </th>
          {tabs.map((t) => {
            const c = cell(t.messages.find((m) => m.id === r.id));
            return (
              <td key={t.device} data-testid="lab-message-cell" data-device={t.device} data-status={c.status}>
                {c.text}
              </td>
            );
          })}
        </tr>
      ))}
    </TabsTable>
  );
}
