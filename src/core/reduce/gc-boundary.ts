/** Spec 003 §Garbage Collection: generations a channel must keep, derived from its newest checkpoint. */

export const DEFAULT_SKIP_WINDOW = 1024;

/** How far below `maxGeneration` facts stay: two skip windows plus a half-window safety margin. */
function retained(skipWindow: number): number {
  return 2 * skipWindow + Math.floor(skipWindow / 2);
}

/**
 * max_generation − 2·skip_window − skip_window/2, floored at 0; e.g. (5000, 1024) → 2440.
 * Facts with generation ≤ boundary are prunable (but see isPrunable for the floored case).
 */
export function pruningBoundary(maxGeneration: number, skipWindow: number): number {
  return Math.max(0, maxGeneration - retained(skipWindow));
}

/**
 * generation ≤ the unfloored boundary. When the boundary is floored to 0 (the channel is younger than
 * its retention span) nothing is prunable, not even generation 0: that fact is still inside the window.
 */
export function isPrunable(generation: number, maxGeneration: number, skipWindow: number): boolean {
  return generation <= maxGeneration - retained(skipWindow);
}
