import { compareNumbers, compareStrings } from '../compare.ts';
import type { DeviceId, PhysicalTime } from '../ids.ts';

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

/** Next reading for a local event; `now` is injected so the core never reads a clock. */
export function hlcTick(prev: Hlc, now: PhysicalTime): Hlc {
  return now > prev.wall ? { wall: now, logical: 0 } : { wall: prev.wall, logical: prev.logical + 1 };
}

/** Reading after observing a remote event, so local facts order after everything already seen. */
export function hlcReceive(prev: Hlc, remote: Hlc, now: PhysicalTime): Hlc {
  const wall = Math.max(prev.wall, remote.wall, now);
  if (wall === prev.wall && wall === remote.wall) return { wall, logical: Math.max(prev.logical, remote.logical) + 1 };
  if (wall === prev.wall) return { wall, logical: prev.logical + 1 };
  if (wall === remote.wall) return { wall, logical: remote.logical + 1 };
  return { wall, logical: 0 };
}

export function compareHlc(a: Hlc, b: Hlc): number {
  return compareNumbers(a.wall, b.wall) || compareNumbers(a.logical, b.logical);
}

export function compareOrderTime(a: OrderTime, b: OrderTime): number {
  return compareHlc(a, b) || compareStrings(a.device, b.device);
}
