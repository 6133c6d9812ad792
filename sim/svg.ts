import type { Curve } from './convergence.ts';

export interface PlotSeries {
  readonly label: string;
  readonly curve: Curve;
}

export interface Plot {
  readonly title: string;
  readonly xLabel: string;
  /** By default: the fraction of nodes holding every fact. */
  readonly yLabel?: string;
  readonly series: readonly PlotSeries[];
  /** Vertical markers (a partition healing, writes stopping), at x. */
  readonly marks?: readonly { readonly x: number; readonly label: string }[];
}

const W = 900;
const H = 400;
/** The legend sits in the right margin, clear of the curves. */
const M = { left: 60, right: 200, top: 40, bottom: 50 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const r1 = (x: number) => Math.round(x * 10) / 10;

/** A step plot of fractions (0–1) over x — convergence, by default — as a standalone SVG. */
export function convergenceSvg(p: Plot): string {
  const xs = [...p.series.flatMap((s) => s.curve.map(([x]) => x)), ...(p.marks ?? []).map((m) => m.x)];
  const xMax = Math.max(1, ...xs);
  const px = (x: number) => r1(M.left + (x / xMax) * (W - M.left - M.right));
  const py = (y: number) => r1(H - M.bottom - y * (H - M.top - M.bottom));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(p.title)}</text>`,
    `<line x1="${M.left}" y1="${py(0)}" x2="${W - M.right}" y2="${py(0)}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${py(0)}" x2="${M.left}" y2="${py(1)}" stroke="black"/>`,
  ];
  for (const y of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${M.left}" y1="${py(y)}" x2="${W - M.right}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
  }
  for (let k = 0; k <= 5; k++) {
    const x = (xMax * k) / 5;
    out.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${Math.round(x)}</text>`);
  }
  out.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(`<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">${esc(p.yLabel ?? 'fraction of nodes holding every fact')}</text>`);
  for (const m of p.marks ?? []) {
    out.push(`<line x1="${px(m.x)}" y1="${py(0)}" x2="${px(m.x)}" y2="${py(1)}" stroke="#999" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${px(m.x) + 3}" y="${py(1) - 4}" fill="#666">${esc(m.label)}</text>`);
  }
  p.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const pts: string[] = [];
    let prev = 0;
    for (const [x, y] of s.curve) {
      pts.push(`${px(x)},${py(prev)}`, `${px(x)},${py(y)}`);
      prev = y;
    }
    pts.push(`${px(xMax)},${py(prev)}`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    out.push(`<text x="${W - M.right + 10}" y="${M.top + 14 * (k + 1)}" fill="${color}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
