import type { OptimisticIndicator, OptimisticProgress } from '../core/consistency/optimistic-status.ts';
import type { Propagation } from '../core/consistency/propagation.ts';
import { formatDateTime } from './format.ts';

/** Glyphs of spec 002's OptimisticStatus UI pattern; the word is what screen readers hear. */
export const INDICATOR_GLYPH: Record<OptimisticIndicator, string> = {
  Sending: '◐',
  Syncing: '◑',
  Sent: '✓',
  Delivered: '✓✓',
  Finalized: '◆',
};

/** What an own message's indicator says in words: its visible label (if any) and its accessible name. */
export function indicatorText(indicator: OptimisticIndicator, progress: OptimisticProgress | null, alone: boolean): { label: string | null; name: string } {
  // Nobody else in the channel: the message will never be Delivered, and "Sending" forever would mislead.
  if (alone && (indicator === 'Sending' || indicator === 'Syncing' || indicator === 'Sent')) {
    return { label: 'only you here', name: `Status: ${indicator} — nobody else is in this channel yet` };
  }
  if (indicator === 'Syncing' && progress !== null) {
    const label = `${progress.reached} of ${progress.of}`;
    return { label, name: `Status: Syncing, reached ${label} ${progress.unit}` };
  }
  return { label: null, name: `Status: ${indicator}${indicator === 'Sending' ? ' — only on this device so far' : ''}` };
}

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
