import { compareNumbers, compareStrings } from '../compare.ts';
import { AuraError } from '../errors.ts';
import type { DeviceId, PhysicalTime } from '../ids.ts';
import { CLOCK_SKEW_BOUND_MS, MAX_LOGICAL, MAX_WALL_TIME } from '../limits.ts';

/** Hybrid logical clock reading: physical milliseconds plus a counter for events in the same millisecond. */
export interface Hlc {
  readonly wall: PhysicalTime;
  readonly logical: number;
}

/** A fact's order time: its HLC reading, tie-broken by the writing device. A total order over facts of one device. */
export interface OrderTime extends Hlc {
  readonly device: DeviceId;
}

export const HLC_ZERO: Hlc = { wall: 0, logical: 0 };

/**
 * No valid reading is greater than `last`. Only reachable from (MAX_WALL_TIME, MAX_LOGICAL) or a reading
 * beyond the limits, which the node never adopts; we throw rather than clamp because a clamped reading
 * would repeat and break the strict order of the device's facts.
 */
export class ClockExhaustedError extends AuraError<'Exhausted'> {
  override readonly name = 'ClockExhaustedError';
  constructor(readonly last: Hlc) {
    super('Exhausted', `no valid HLC reading after (${last.wall}, ${last.logical})`);
  }
}

/** The least valid reading after `h`: the next count, carrying into the wall past MAX_LOGICAL. */
function successor(h: Hlc): Hlc {
  if (h.logical < MAX_LOGICAL && h.wall <= MAX_WALL_TIME) return { wall: h.wall, logical: h.logical + 1 };
  if (h.wall < MAX_WALL_TIME) return { wall: h.wall + 1, logical: 0 };
  throw new ClockExhaustedError(h);
}

/**
 * Next reading for a local event; `now` is injected so the core never reads a clock. A `now` beyond
 * MAX_WALL_TIME (a broken clock) reads as MAX_WALL_TIME, so every reading stays one validation accepts.
 * Throws ClockExhaustedError when no valid reading follows `prev`.
 */
export function hlcTick(prev: Hlc, now: PhysicalTime): Hlc {
  const wall = Math.min(now, MAX_WALL_TIME);
  return wall > prev.wall ? { wall, logical: 0 } : successor(prev);
}

/** The largest valid reading; nothing valid follows it. */
const HLC_TOP: Hlc = { wall: MAX_WALL_TIME, logical: MAX_LOGICAL };

/**
 * Reading after observing a remote event, so local facts order after everything already seen — except a
 * remote reading beyond now + CLOCK_SKEW_BOUND_MS, or one no valid reading follows, which is not adopted
 * at all: the result is then `hlcTick(prev, now)`. Throws ClockExhaustedError only as hlcTick(prev) does.
 */
export function hlcReceive(prev: Hlc, remote: Hlc, now: PhysicalTime): Hlc {
  const adopt = compareHlc(remote, HLC_TOP) < 0 && !isBeyondSkew(remote, now) && compareHlc(remote, prev) > 0;
  return hlcTick(adopt ? remote : prev, now);
}

/** The local wall time from which a fact stamped `time` is no longer beyond the skew bound. */
export function admitAt(time: Hlc): PhysicalTime {
  return time.wall - CLOCK_SKEW_BOUND_MS;
}

/** Whether `time` is too far ahead of the local clock to adopt or admit yet; the node holds such facts. */
export function isBeyondSkew(time: Hlc, now: PhysicalTime): boolean {
  return now < admitAt(time);
}

export function compareHlc(a: Hlc, b: Hlc): number {
  return compareNumbers(a.wall, b.wall) || compareNumbers(a.logical, b.logical);
}

export function compareOrderTime(a: OrderTime, b: OrderTime): number {
  return compareHlc(a, b) || compareStrings(a.device, b.device);
}
