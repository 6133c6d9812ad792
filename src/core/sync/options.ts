import { FINGERPRINT_BYTES } from './fingerprint.ts';
import { ID_BYTES } from './item.ts';
import { CONTINUE_RESERVE, MAX_RANGE_HEAD_BYTES } from './wire.ts';

/** Every message, in both directions, is at most this many bytes unless configured otherwise. */
export const DEFAULT_FRAME_LIMIT = 16384;
export const MIN_FRAME_LIMIT = 256;
export const MAX_FRAME_LIMIT = 16 * 1024 * 1024;

/** Tuned by bench/sync/run.ts (see README.md). */
export const DEFAULT_FIRST_BRANCHING = 16;
export const DEFAULT_BRANCHING = 4;
export const DEFAULT_MAX_BRANCHING = 64;
export const DEFAULT_LEAF_THRESHOLD = 2;

export interface SyncOptions {
  /** Largest message either side sends or accepts. Both sides must use the same value. */
  readonly frameLimit?: number;
  /** Ranges of the initiator's first message. */
  readonly firstBranching?: number;
  /** Fewest sub-ranges a differing range is split into. */
  readonly branching?: number;
  /** Most sub-ranges a differing range is split into, however many differences it seems to hold. */
  readonly maxBranching?: number;
  /** A differing range holding at most this many of the sender's items is sent as an IdList, not split. */
  readonly leafThreshold?: number;
  /** Initiator only: replies accepted before giving up with TooManyRounds (default: bounded by the set size). */
  readonly maxRounds?: number;
}

export interface ResolvedOptions {
  readonly frameLimit: number;
  readonly firstBranching: number;
  readonly branching: number;
  readonly maxBranching: number;
  readonly leafThreshold: number;
  readonly maxRounds: number | undefined;
}

function integer(name: string, v: number | undefined, fallback: number, min: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}: ${n}`);
  return n;
}

/**
 * Fills defaults and shrinks branching and leaf threshold until one split or one IdList always fits in an
 * otherwise empty frame next to the Continue reserve — the guarantee that every round makes progress.
 */
export function resolveOptions(opts: SyncOptions = {}): ResolvedOptions {
  const frameLimit = integer('frameLimit', opts.frameLimit, DEFAULT_FRAME_LIMIT, MIN_FRAME_LIMIT);
  if (frameLimit > MAX_FRAME_LIMIT) throw new RangeError(`frameLimit must be ≤ ${MAX_FRAME_LIMIT}`);
  const room = frameLimit - 1 - CONTINUE_RESERVE - MAX_RANGE_HEAD_BYTES; // version byte, reserve, a pending Skip
  const fits = Math.floor(room / (MAX_RANGE_HEAD_BYTES + FINGERPRINT_BYTES));
  const branching = Math.min(integer('branching', opts.branching, DEFAULT_BRANCHING, 2), fits);
  return {
    frameLimit,
    firstBranching: integer('firstBranching', opts.firstBranching, DEFAULT_FIRST_BRANCHING, 1),
    branching,
    maxBranching: Math.max(branching, Math.min(integer('maxBranching', opts.maxBranching, DEFAULT_MAX_BRANCHING, 2), fits)),
    leafThreshold: Math.min(
      integer('leafThreshold', opts.leafThreshold, DEFAULT_LEAF_THRESHOLD, 1),
      Math.floor((room - MAX_RANGE_HEAD_BYTES - 3) / ID_BYTES),
    ),
    maxRounds: opts.maxRounds === undefined ? undefined : integer('maxRounds', opts.maxRounds, 0, 1),
  };
}
