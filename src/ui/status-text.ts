import type { OptimisticIndicator } from '../core/consistency/optimistic-status.ts';
import type { Propagation } from '../core/consistency/propagation.ts';
import { formatDateTime } from './format.ts';

/** Glyphs of spec 002's OptimisticStatus UI pattern; the word is what screen readers hear. */
export const INDICATOR_GLYPH: Record<OptimisticIndicator, string> = {
  Sending: '◐',
  Sent: '✓',
  Delivered: '✓✓',
  Finalized: '◆',
};

export function describePropagation(p: Propagation): string {
  switch (p.state) {
    case 'Local':
      return '0 of 0 peers';
    case 'Syncing':
      return `${p.peersReached} of ${p.peersKnown} peers`;
    case 'Complete':
      return 'all known peers';
    case 'Failed':
      return `failed, retry #${p.retryCount} at ${formatDateTime(p.retryAt)}`;
  }
}
