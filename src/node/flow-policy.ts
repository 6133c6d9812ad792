/**
 * Flow budgets rotate every minute: a peer may be sent this many messages per context per epoch (50/s). Generous
 * for people, tight enough to stop a runaway loop from flooding a context.
 */
export const FLOW_EPOCH_MS = 60_000;
export const DEFAULT_FLOW_LIMIT = 3_000;

export function flowEpoch(now: number): number {
  return Math.floor(now / FLOW_EPOCH_MS);
}
