import { KEY_BYTES } from './key.ts';
import { MAX_RANGE_HEAD_BYTES, MESSAGE_OVERHEAD } from './wire.ts';

/** Every message, in both directions, is at most this many bytes unless configured otherwise. */
export const DEFAULT_FRAME_LIMIT = 16384;
export const MIN_FRAME_LIMIT = 256;
export const MAX_FRAME_LIMIT = 16 * 1024 * 1024;

/** Tuned with bench/sync/tune.ts on the replicas of bench/sync/run.ts (see BENCHMARKS.md). */
export const DEFAULT_MAX_MESSAGES = 64;
export const DEFAULT_FIRST_CELLS = 16;
export const DEFAULT_CELLS_PER_DIFFERENCE = 2;
export const DEFAULT_MAX_FAN_OUT = 1024;
export const DEFAULT_LEAF_THRESHOLD = 12;

export interface SyncOptions {
  /** Largest message either side sends or accepts. Both sides must use the same value. */
  readonly frameLimit?: number;
  /** Most messages in one round, each way. Both sides must use the same value. */
  readonly maxMessages?: number;
  /** Cells of the initiator's first round. */
  readonly firstCells?: number;
  /** Cells a differing range is split into per difference it seems to hold. */
  readonly cellsPerDifference?: number;
  /** Most cells one range is split into, however many differences it seems to hold. */
  readonly maxFanOut?: number;
  /** A differing range holding at most this many of the sender's items is listed, not split. */
  readonly leafThreshold?: number;
  /** Initiator only: replies accepted before giving up with TooManyRounds (default: bounded by the set size). */
  readonly maxRounds?: number;
}

export type ResolvedOptions = Required<Omit<SyncOptions, 'maxRounds'>> & {
  readonly maxRounds: number | undefined;
  /** Most keys one list range may carry and still fit an otherwise empty message. */
  readonly maxListKeys: number;
};

function integer(name: string, v: number | undefined, fallback: number, min: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}: ${n}`);
  return n;
}

/** Fills defaults; the leaf threshold shrinks until a full list fits in an otherwise empty message. */
export function resolveOptions(opts: SyncOptions = {}): ResolvedOptions {
  const frameLimit = integer('frameLimit', opts.frameLimit, DEFAULT_FRAME_LIMIT, MIN_FRAME_LIMIT);
  if (frameLimit > MAX_FRAME_LIMIT) throw new RangeError(`frameLimit must be ≤ ${MAX_FRAME_LIMIT}`);
  const maxListKeys = Math.floor((frameLimit - MESSAGE_OVERHEAD - MAX_RANGE_HEAD_BYTES - 3) / KEY_BYTES);
  return {
    frameLimit,
    maxMessages: integer('maxMessages', opts.maxMessages, DEFAULT_MAX_MESSAGES, 1),
    firstCells: integer('firstCells', opts.firstCells, DEFAULT_FIRST_CELLS, 1),
    cellsPerDifference: integer('cellsPerDifference', opts.cellsPerDifference, DEFAULT_CELLS_PER_DIFFERENCE, 1),
    maxFanOut: integer('maxFanOut', opts.maxFanOut, DEFAULT_MAX_FAN_OUT, 2),
    leafThreshold: Math.min(integer('leafThreshold', opts.leafThreshold, DEFAULT_LEAF_THRESHOLD, 1), maxListKeys),
    maxRounds: opts.maxRounds === undefined ? undefined : integer('maxRounds', opts.maxRounds, 0, 1),
    maxListKeys,
  };
}
