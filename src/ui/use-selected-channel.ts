import { useSyncExternalStore } from 'react';
import type { ChannelId } from '../core/ids.ts';

/** The selection lives in the URL hash (`#channel=<id>`) so reloads and links keep it; `?profile=` stays untouched. */
const PREFIX = '#channel=';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function hashChannel(): string | null {
  return location.hash.startsWith(PREFIX) ? decodeURIComponent(location.hash.slice(PREFIX.length)) : null;
}

/**
 * The selected channel: the one in the hash if this profile has it, else the first. A hash from another
 * profile or a deleted channel falls back instead of showing an empty pane.
 */
export function useSelectedChannel(
  channels: readonly { readonly id: ChannelId }[],
): [ChannelId | null, (id: ChannelId) => void] {
  const fromHash = useSyncExternalStore(subscribe, hashChannel);
  const selected =
    fromHash !== null && channels.some((c) => c.id === fromHash) ? fromHash : (channels[0]?.id ?? null);
  return [selected, selectChannel];
}

/** Selects a channel from anywhere (e.g. a contact's channel from the contacts panel): the hook follows the hash. */
export function selectChannel(id: ChannelId): void {
  location.hash = PREFIX + encodeURIComponent(id);
}
