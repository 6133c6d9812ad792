import type { AuthorityId } from '../ids.ts';
import { containsAll, type Acknowledgment } from './acknowledgment.ts';
import { isFinalized, type Agreement } from './agreement.ts';
import type { Consistency } from './consistency.ts';
import { isComplete, type Propagation } from './propagation.ts';

/** Status of a category-A operation (immediate local effect). */
export interface OptimisticStatus {
  readonly agreement: Agreement;
  readonly propagation: Propagation;
  readonly acknowledgment: Acknowledgment | null;
}

/** ◐ Sending · ✓ Sent · ✓✓ Delivered · ◆ Finalized */
export type OptimisticIndicator = 'Sending' | 'Sent' | 'Delivered' | 'Finalized';

export function optimisticStatusOf(c: Consistency): OptimisticStatus {
  return { agreement: c.agreement, propagation: c.propagation, acknowledgment: c.acknowledgment };
}

/**
 * The strongest claim the evidence supports. Delivered needs an ack from every expected peer — not merely as
 * many acks as expected peers, and never for an empty expectation, since "delivered to nobody" proves nothing.
 * Sent needs Propagation::Complete; Syncing and Failed still show Sending.
 */
export function optimisticIndicator(s: OptimisticStatus, expected: readonly AuthorityId[]): OptimisticIndicator {
  if (isFinalized(s.agreement)) return 'Finalized';
  if (expected.length > 0 && s.acknowledgment !== null && containsAll(s.acknowledgment, expected)) return 'Delivered';
  if (isComplete(s.propagation)) return 'Sent';
  return 'Sending';
}
