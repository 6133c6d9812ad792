import type { AuthorityId } from '../ids.ts';
import { contains, containsAll, type Acknowledgment } from './acknowledgment.ts';
import { isFinalized, type Agreement } from './agreement.ts';
import type { Consistency } from './consistency.ts';
import { isComplete, type Propagation } from './propagation.ts';

/** Status of a category-A operation (immediate local effect). */
export interface OptimisticStatus {
  readonly agreement: Agreement;
  readonly propagation: Propagation;
  readonly acknowledgment: Acknowledgment | null;
}

/**
 * ◐ Sending (only on this device) · ◑ Syncing (some peers hold it, see OptimisticProgress) · ✓ Sent · ✓✓ Delivered
 * · ◆ Finalized. Syncing is spec 002's Propagation::Syncing made visible: a message one of two members acked
 * has left this device, and saying "Sending" would hide that.
 */
export type OptimisticIndicator = 'Sending' | 'Syncing' | 'Sent' | 'Delivered' | 'Finalized';

/** How far a Syncing item got: expected members that acked it, or else peers the sync layer saw take it. */
export interface OptimisticProgress {
  readonly reached: number;
  readonly of: number;
  readonly unit: 'members' | 'peers';
}

export function optimisticStatusOf(c: Consistency): OptimisticStatus {
  return { agreement: c.agreement, propagation: c.propagation, acknowledgment: c.acknowledgment };
}

/**
 * The strongest claim the evidence supports. Delivered needs an ack from every expected peer — not merely as
 * many acks as expected peers, and never for an empty expectation, since "delivered to nobody" proves nothing.
 * Sent needs Propagation::Complete; Syncing needs a peer that took it (an expected member's ack, or a peer
 * reached); Local, Failed and Syncing with nobody reached show Sending.
 */
export function optimisticIndicator(s: OptimisticStatus, expected: readonly AuthorityId[]): OptimisticIndicator {
  if (isFinalized(s.agreement)) return 'Finalized';
  if (expected.length > 0 && s.acknowledgment !== null && containsAll(s.acknowledgment, expected)) return 'Delivered';
  if (isComplete(s.propagation)) return 'Sent';
  return optimisticProgress(s, expected) !== null ? 'Syncing' : 'Sending';
}

/** The partial progress of an item neither Sent nor Delivered yet, if any peer took it; null otherwise. */
export function optimisticProgress(s: OptimisticStatus, expected: readonly AuthorityId[]): OptimisticProgress | null {
  const acked = s.acknowledgment === null ? 0 : expected.filter((a) => contains(s.acknowledgment!, a)).length;
  if (acked > 0 && acked < expected.length) return { reached: acked, of: expected.length, unit: 'members' };
  const p = s.propagation;
  if (p.state === 'Syncing' && p.peersReached > 0) return { reached: p.peersReached, of: p.peersKnown, unit: 'peers' };
  return null;
}
