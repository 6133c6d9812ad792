import { compareNumbers, compareStrings } from '../compare.ts';
import { AuraError } from '../errors.ts';
import type { PhysicalTime } from '../ids.ts';

/** How far a fact has spread by anti-entropy. Local metadata maintained by the sync layer from evidence. */
export type Propagation =
  | { readonly state: 'Local' }
  | { readonly state: 'Syncing'; readonly peersReached: number; readonly peersKnown: number }
  | { readonly state: 'Complete' }
  | { readonly state: 'Failed'; readonly retryAt: PhysicalTime; readonly retryCount: number; readonly error: string };

export class InvalidPropagationError extends AuraError<'InvalidPropagation'> {
  override readonly name = 'InvalidPropagationError';
  constructor(message: string) {
    super('InvalidPropagation', `InvalidPropagation: ${message}`);
  }
}

export const LOCAL: Propagation = { state: 'Local' };
export const COMPLETE: Propagation = { state: 'Complete' };

/** Peer counts are u16 in the spec; reached can never exceed known. */
const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;

export function syncing(peersReached: number, peersKnown: number): Propagation {
  if (!isIntIn(peersKnown, 0, U16_MAX) || !isIntIn(peersReached, 0, peersKnown)) {
    throw new InvalidPropagationError(`peersReached ${peersReached} of peersKnown ${peersKnown}`);
  }
  return { state: 'Syncing', peersReached, peersKnown };
}

export function failed(retryAt: PhysicalTime, retryCount: number, error: string): Propagation {
  if (!Number.isSafeInteger(retryAt) || !isIntIn(retryCount, 0, U32_MAX)) {
    throw new InvalidPropagationError(`retryAt ${retryAt}, retryCount ${retryCount}`);
  }
  return { state: 'Failed', retryAt, retryCount, error };
}

/** True when the fact reached every known peer. */
export function isComplete(p: Propagation): boolean {
  return p.state === 'Complete';
}

/** True when the fact has not left this device and no sync attempt is recorded. */
export function isLocal(p: Propagation): boolean {
  return p.state === 'Local';
}

/** Fraction of known peers reached, 0 to 1. For display only: never feed it to a reducer. */
export function progress(p: Propagation): number {
  switch (p.state) {
    case 'Complete':
      return 1;
    case 'Syncing':
      return p.peersKnown === 0 ? 0 : p.peersReached / p.peersKnown;
    default:
      return 0;
  }
}

/**
 * Evidence order: Local < Failed < Syncing < Complete. A failed attempt proves more than nothing, any reached
 * peer proves more than a failure, and Complete proves the most. Ties join within the state so the whole order
 * is a lattice: Syncing takes the componentwise max (each count only grows), Failed takes the lexicographically
 * larger (retryCount, retryAt, error) — the latest attempt.
 */
const RANK = { Local: 0, Failed: 1, Syncing: 2, Complete: 3 } as const;

export function joinPropagation(a: Propagation, b: Propagation): Propagation {
  const d = RANK[a.state] - RANK[b.state];
  if (d !== 0) return d > 0 ? a : b;
  if (a.state === 'Syncing' && b.state === 'Syncing') {
    return {
      state: 'Syncing',
      peersReached: Math.max(a.peersReached, b.peersReached),
      peersKnown: Math.max(a.peersKnown, b.peersKnown),
    };
  }
  if (a.state === 'Failed' && b.state === 'Failed') {
    const c =
      compareNumbers(a.retryCount, b.retryCount) || compareNumbers(a.retryAt, b.retryAt) || compareStrings(a.error, b.error);
    return c >= 0 ? a : b;
  }
  return a;
}

function isIntIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}
