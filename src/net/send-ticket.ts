import type { ContextId } from '../core/ids.ts';

/**
 * Proof that a send was charged before it leaves: one unit per sealed payload. The transport takes a unit
 * right before each payload goes out and refuses (and counts) a payload it cannot cover, so no code path can
 * publish uncharged bytes.
 */
export interface SendTicket {
  readonly context: ContextId;
  /** Spends one unit; false when none is left. */
  take(): boolean;
}
