import { useEffect, useState } from 'react';
import type { ContextId } from '../core/ids.ts';
import type { ChannelSummary } from '../node/api.ts';
import { localKey, readLocal, writeLocal } from './local-store.ts';

/**
 * Contexts joined whose channel has not arrived yet (it comes with a member's history), kept per profile so
 * the "appears when a member is online" note survives a reload. A context is forgotten once its channel is here.
 */
export function usePendingJoins(profile: string, channels: readonly ChannelSummary[]): [readonly ContextId[], (joined: ContextId) => void] {
  const key = localKey(profile, 'pending-joins');
  const [saved, setSaved] = useState<readonly ContextId[]>(() => readLocal(key, []));
  const waiting = notHere(saved, channels);

  useEffect(() => {
    const still = notHere(saved, channels);
    if (still.length === saved.length) return;
    setSaved(still);
    writeLocal(key, still.length > 0 ? still : null);
  }, [key, saved, channels]);

  function add(joined: ContextId) {
    const next = [...saved.filter((c) => c !== joined), joined];
    setSaved(next);
    writeLocal(key, next);
  }
  return [waiting, add];
}

function notHere(contexts: readonly ContextId[], channels: readonly ChannelSummary[]): readonly ContextId[] {
  return contexts.filter((context) => !channels.some((c) => c.context === context));
}
