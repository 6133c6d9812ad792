import type { LabReport } from '../../node/lab/lab-types.ts';
import { linkEdges, tabName } from './lab-graph.ts';

const SIZE = 240;
const R = 80;

/** The tabs on a circle and their links: solid direct, dashed relayed, red crossed-out blocked. */
export function LinkGraph({ tabs }: { readonly tabs: readonly LabReport[] }) {
  const at = new Map(tabs.map((t, i) => [t.device, { x: SIZE / 2 + R * Math.sin((2 * Math.PI * i) / tabs.length), y: SIZE / 2 - R * Math.cos((2 * Math.PI * i) / tabs.length) }]));
  const edges = linkEdges(tabs);
  const description = edges.length === 0 ? 'No links between the tabs.' : edges.map((e) => `${tabName(tabs, e.from)}–${tabName(tabs, e.to)}: ${e.kind}`).join('; ');
  return (
    <figure className="lab-graph">
      <svg data-testid="lab-graph" viewBox={`0 0 ${SIZE} ${SIZE}`} width={SIZE} height={SIZE} role="img" aria-label={`Links: ${description}`}>
        {edges.map((e) => {
          const [a, b] = [at.get(e.from)!, at.get(e.to)!];
          return <line key={`${e.from}|${e.to}`} data-testid="lab-link" data-from={e.from} data-to={e.to} data-kind={e.kind} className={`lab-link lab-link-${e.kind}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} />;
        })}
        {tabs.map((t) => {
          const p = at.get(t.device)!;
          return (
            <g key={t.device} className={t.faults.offline ? 'lab-node lab-node-offline' : 'lab-node'}>
              <circle cx={p.x} cy={p.y} r={14} />
              <text x={p.x} y={p.y + 30} textAnchor="middle">
                {tabName(tabs, t.device)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">{description}</figcaption>
    </figure>
  );
}
