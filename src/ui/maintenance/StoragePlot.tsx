import { useId } from 'react';
import type { StorageSample } from '../../node/api-maintenance.ts';
import { formatBytes, formatTime } from '../format.ts';
import { MB, plotSeries } from './storage-plot-series.ts';

const W = 320;
const H = 130;
/** Room for the value labels (left) and the time labels (bottom). */
const PAD = { left: 44, right: 8, top: 10, bottom: 30 } as const;

const label = (unit: 'MB' | 'facts', v: number) => (unit === 'MB' ? formatBytes(v * MB) : `${Math.round(v)} facts`);
const tick = (unit: 'MB' | 'facts', v: number) => (unit === 'MB' ? (v >= 10 ? v.toFixed(0) : v.toFixed(1)) : String(Math.round(v)));

/**
 * Storage over time as an inline SVG (no chart library): the samples as a line with a dot on the latest, the
 * value axis (MB, or facts where the browser gives no estimate) from 0 to the largest, the time axis from the
 * first sample to the last. Its title names it and its caption (the SVG's description) says the same in words.
 */
export function StoragePlot({ samples }: { readonly samples: readonly StorageSample[] }) {
  const id = useId();
  const { unit, points } = plotSeries(samples);
  if (points.length === 0) return <p className="hint">No storage samples yet: one is taken every minute.</p>;
  const [t0, t1] = [points[0]![0], points.at(-1)![0]];
  const max = Math.max(...points.map((p) => p[1])) || 1;
  const x = (t: number) => PAD.left + (t1 === t0 ? (W - PAD.left - PAD.right) / 2 : ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const line = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = points.at(-1)!;
  const first = points[0]!;
  const description =
    `${points.length} sample${points.length === 1 ? '' : 's'} from ${formatTime(t0)} to ${formatTime(t1)}: ` +
    `${label(unit, first[1])} at first, ${label(unit, last[1])} now, at most ${label(unit, max)}.`;
  return (
    <figure className="storage-plot">
      <svg data-testid="storage-plot" data-samples={points.length} data-unit={unit} viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`}>
        <title id={`${id}-t`}>{unit === 'MB' ? 'Storage used over time' : 'Facts stored over time'}</title>
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 4} y={PAD.top + 4} textAnchor="end">{tick(unit, max)}</text>
        <text className="tick" x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end">0</text>
        <text className="axis-label" x={4} y={(H - PAD.bottom + PAD.top) / 2} transform={`rotate(-90 10 ${(H - PAD.bottom + PAD.top) / 2})`} textAnchor="middle">{unit}</text>
        <text className="tick" x={PAD.left} y={H - PAD.bottom + 13} textAnchor="start">{formatTime(t0)}</text>
        <text className="tick" x={W - PAD.right} y={H - PAD.bottom + 13} textAnchor="end">{formatTime(t1)}</text>
        <text className="axis-label" x={(W + PAD.left) / 2} y={H - 3} textAnchor="middle">time</text>
        {points.length > 1 ? <polyline className="series" points={line} /> : null}
        <circle className="series-dot" data-testid="storage-plot-latest" cx={x(last[0])} cy={y(last[1])} r={3} />
      </svg>
      <figcaption className="muted" id={`${id}-d`} data-testid="storage-plot-description">
        {description}
      </figcaption>
    </figure>
  );
}
