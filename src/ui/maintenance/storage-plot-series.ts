import type { StorageSample } from '../../node/api-maintenance.ts';

export const MB = 1024 * 1024;

/** What is plotted: the browser's estimate in MB where it tells; else (no estimate in any sample) the facts held. */
export function plotSeries(samples: readonly StorageSample[]): { readonly unit: 'MB' | 'facts'; readonly points: readonly (readonly [number, number])[] } {
  const usage = samples.filter((s) => s.usage !== null);
  if (usage.length > 0) return { unit: 'MB', points: usage.map((s) => [s.at, s.usage! / MB] as const) };
  return { unit: 'facts', points: samples.map((s) => [s.at, s.facts] as const) };
}
