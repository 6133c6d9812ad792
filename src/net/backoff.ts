/**
 * Retry delays: 1 s doubling to `maxMs` (30 s by default), with ±20% jitter so tabs that lost the relay
 * together do not return together.
 */
export function backoffDelay(attempt: number, random: () => number, maxMs = 30_000): number {
  const base = Math.min(maxMs, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + 0.4 * random()));
}
