import type { LabReport } from '../../node/lab/lab-types.ts';
import { shortId } from '../format.ts';

export type EdgeKind = 'direct' | 'relayed' | 'blocked';

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

/** A tab by the name its person gave, else its profile; a device no tab reports by its short id. */
export function tabName(tabs: readonly LabReport[], device: string): string {
  const t = tabs.find((x) => x.device === device);
  if (!t) return shortId(device);
  return t.identity?.name ?? t.profile;
}

/**
 * The links between the lab's tabs as the tabs report them: blocked when either side has the other in its
 * partition (a fault outranks whatever link is still closing), else direct when either side has a direct
 * link, else relayed when either has a relayed one; no edge when neither reports a link.
 */
export function linkEdges(tabs: readonly LabReport[]): Edge[] {
  const edges: Edge[] = [];
  for (let i = 0; i < tabs.length; i++) {
    for (let j = i + 1; j < tabs.length; j++) {
      const [a, b] = [tabs[i]!, tabs[j]!];
      const links = [...a.links.filter((l) => l.peer === b.device), ...b.links.filter((l) => l.peer === a.device)];
      const kind: EdgeKind | null =
        a.faults.blocked.includes(b.device) || b.faults.blocked.includes(a.device)
          ? 'blocked'
          : links.some((l) => l.transport === 'direct')
            ? 'direct'
            : links.length > 0
              ? 'relayed'
              : null;
      if (kind) edges.push({ from: a.device, to: b.device, kind });
    }
  }
  return edges;
}
