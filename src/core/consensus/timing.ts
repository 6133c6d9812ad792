/**
 * T_fallback (DESIGN §6, spec 000 §3): how long the fast path may take before witnesses gossip their shares —
 * 2.5 × the median round trip measured to the witnesses, within bounds: never so short that a loopback hiccup
 * triggers fallback, never so long that a silent witness stalls a ceremony. Integer milliseconds.
 */
export const FALLBACK_RTT_FACTOR_TENTHS = 25;
export const MIN_FALLBACK_MS = 250;
export const MAX_FALLBACK_MS = 10_000;
/** Before any round trip was measured. */
export const DEFAULT_FALLBACK_MS = 2_000;

export function fallbackAfterMs(rttSamplesMs: readonly number[]): number {
  const samples = rttSamplesMs.filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  if (samples.length === 0) return DEFAULT_FALLBACK_MS;
  const median = samples[(samples.length - 1) >> 1]!;
  const t = Math.ceil((median * FALLBACK_RTT_FACTOR_TENTHS) / 10);
  return Math.min(MAX_FALLBACK_MS, Math.max(MIN_FALLBACK_MS, t));
}
