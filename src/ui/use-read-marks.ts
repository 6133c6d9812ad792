import { useEffect, useState } from 'react';
import type { ChannelId } from '../core/ids.ts';
import type { ChannelSummary } from '../node/api.ts';

type Marks = Readonly<Record<ChannelId, number>>;

const keyOf = (profile: string) => `aura:read:${profile}`;

function load(profile: string): Marks {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(keyOf(profile)) ?? '{}');
    return parsed !== null && typeof parsed === 'object' ? (parsed as Marks) : {};
  } catch {
    // Storage off or odd bytes there: nothing read yet is the safe answer.
    return {};
  }
}

/**
 * Unread counts per channel, this device's view: how many messages a channel had when it was last open in a
 * visible tab, kept per profile in localStorage (a reload keeps them). The open channel is read as it grows.
 */
export function useReadMarks(profile: string, channels: readonly ChannelSummary[], open: ChannelId | null): (c: ChannelSummary) => number {
  const [marks, setMarks] = useState<Marks>(() => load(profile));
  const openCount = channels.find((c) => c.id === open)?.messageCount;

  useEffect(() => {
    const mark = () => {
      if (open === null || openCount === undefined || document.visibilityState !== 'visible') return;
      setMarks((m) => {
        if (m[open] === openCount) return m;
        const next = { ...m, [open]: openCount };
        try {
          localStorage.setItem(keyOf(profile), JSON.stringify(next));
        } catch {
          // Quota or storage off: the counts still hold for this page's life.
        }
        return next;
      });
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [profile, open, openCount]);

  return (c) => Math.max(0, c.messageCount - (marks[c.id] ?? 0));
}
