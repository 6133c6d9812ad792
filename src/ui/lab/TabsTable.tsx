import type { ReactNode } from 'react';
import type { LabReport } from '../../node/lab/lab-types.ts';
import { tabName } from './lab-graph.ts';

/** A table with a column per tab, named by its person: the lab's side-by-side views. */
export function TabsTable({ testId, first, tabs, children }: { readonly testId: string; readonly first: string; readonly tabs: readonly LabReport[]; readonly children: ReactNode }) {
  return (
    <table className="lab-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{first}</th>
          {tabs.map((t) => (
            <th key={t.device} scope="col">
              {tabName(tabs, t.device)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
