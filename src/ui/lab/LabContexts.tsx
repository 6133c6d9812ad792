import type { LabReport } from '../../node/lab/lab-types.ts';
import { TabsTable } from './TabsTable.tsx';

/** Facts held per context on each tab, with the head of its digest: equal digests are equal fact sets. */
export function LabContexts({ tabs, diverged }: { readonly tabs: readonly LabReport[]; readonly diverged: readonly string[] }) {
  const contexts = [...new Map(tabs.flatMap((t) => t.contexts.map((c) => [c.context, c.name] as const)))].sort(([a], [b]) => (a < b ? -1 : 1));
  return (
    <TabsTable testId="lab-contexts" first="Context" tabs={tabs}>
      {contexts.map(([context, name]) => (
        <tr key={context} data-testid="lab-context-row" data-context={context} data-diverged={diverged.includes(context)} className={diverged.includes(context) ? 'lab-bad' : undefined}>
          <th scope="row" title={context}>
            {name !== null ? `#${name}` : context.startsWith('authority:') ? 'account' : 'context'}
          </th>
          {tabs.map((t) => {
            const c = t.contexts.find((x) => x.context === context);
            return (
              <td key={t.device} data-testid="lab-context-cell" data-device={t.device} title={c?.digest}>
                {c ? `${c.facts} · ${c.digest.slice(0, 6)}` : '—'}
              </td>
            );
          })}
        </tr>
      ))}
    </TabsTable>
  );
}
