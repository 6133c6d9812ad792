import type { ChannelId } from '../core/ids.ts';

/** Shortest tail of a channel id worth showing: enough to tell apart, short enough to read aloud. */
const MIN_TAG = 4;

/**
 * Channels sharing a name are told apart by the shortest tail of their ids (at least MIN_TAG characters) that
 * differs between them all; a channel whose name is unique gets no tag. Ids are content hashes, so a tag is
 * the same on every device and after every reload.
 */
export function channelTags(channels: readonly { readonly id: ChannelId; readonly name: string }[]): ReadonlyMap<ChannelId, string> {
  const byName = new Map<string, { readonly id: ChannelId }[]>();
  for (const c of channels) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  const tags = new Map<ChannelId, string>();
  for (const same of byName.values()) {
    if (same.length < 2) continue;
    let n = MIN_TAG;
    while (new Set(same.map((c) => c.id.slice(-n))).size < same.length) n++;
    for (const c of same) tags.set(c.id, c.id.slice(-n));
  }
  return tags;
}
