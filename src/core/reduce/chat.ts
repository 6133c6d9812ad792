import { compareStrings } from '../compare.ts';
import { isKind, orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import type { OrderTime } from '../facts/hlc.ts';
import type { AuthorityId, ChannelId, DeviceId, FactId } from '../ids.ts';
import type { Reducer } from './reducer.ts';
import { keepLast } from './first-by-order.ts';
import { compareStamps, type Stamp } from './stamp.ts';

export interface ChatChannel {
  /** The FactId of the 'chat.channel' fact. */
  readonly id: ChannelId;
  readonly name: string;
  readonly creator: AuthorityId;
  readonly createdAt: OrderTime;
  readonly topic: string | null;
}

/** A 'chat.message' fact as reduced state; `id` and `time` place it in the fact order. */
export interface ChatMessage extends Stamp {
  readonly channel: ChannelId;
  readonly author: AuthorityId;
  readonly device: DeviceId;
  readonly text: string;
  readonly ack: boolean;
}

export interface Reaction {
  readonly emoji: string;
  /** Sorted, each authority once. */
  readonly authorities: readonly AuthorityId[];
}

interface ChannelRecord extends Stamp {
  readonly name: string;
  readonly creator: AuthorityId;
  readonly topic: string | null;
}

/** A channel's messages, sorted lazily: appends in fact order keep it sorted, anything else marks it. */
interface MessageBucket {
  readonly messages: ChatMessage[];
  sorted: boolean;
}

/**
 * Everything keyed by fact ids, so facts may arrive in any order: messages, topics, renames and reactions naming
 * a channel or message not (yet) known are kept and become visible when it arrives.
 */
export interface ChatState {
  readonly channels: Map<ChannelId, ChannelRecord>;
  readonly channelList: ChannelRecord[];
  channelsSorted: boolean;
  /** Per channel, the 'chat.topic' fact greatest by (order time, FactId). */
  readonly topics: Map<ChannelId, ValidatedFact<'chat.topic'>>;
  /** Per channel, the 'chat.rename' fact greatest by (order time, FactId). */
  readonly renames: Map<ChannelId, ValidatedFact<'chat.rename'>>;
  /**
   * Every counted rename and topic, unordered (not canonical): a group leaves out those of an admin a handover
   * had retired (`reduce/group-settings.ts`), so it needs the ones before the latest.
   */
  readonly settingsLog: ValidatedFact<'chat.topic' | 'chat.rename'>[];
  readonly messageIds: Set<FactId>;
  readonly buckets: Map<ChannelId, MessageBucket>;
  /** Keyed by reactionKey(channel, message); emoji → reacting authorities. */
  readonly reactions: Map<string, Map<string, Set<AuthorityId>>>;
  /** Messages in known channels. */
  visibleMessages: number;
}

export interface ChatCanonical {
  readonly channels: readonly ChatChannel[];
  /** Every message, in known channels or not, in fact order. */
  readonly messages: readonly (ChatMessage & { readonly reactions: readonly Reaction[] })[];
}

/** Channel and message ids are CIDs, which never contain '/'. */
function reactionKey(channel: ChannelId, message: FactId): string {
  return `${channel}/${message}`;
}

function applyChannel(st: ChatState, vf: ValidatedFact<'chat.channel'>): void {
  if (st.channels.has(vf.id)) return;
  const b = vf.fact.body;
  const rec: ChannelRecord = { id: vf.id, time: orderTimeOf(vf.fact), name: b.name, creator: vf.fact.author, topic: b.topic ?? null };
  st.channels.set(vf.id, rec);
  st.channelList.push(rec);
  st.channelsSorted = false;
  st.visibleMessages += st.buckets.get(vf.id)?.messages.length ?? 0;
}

function applyMessage(st: ChatState, vf: ValidatedFact<'chat.message'>): void {
  const b = vf.fact.body;
  addMessage(st, { id: vf.id, time: orderTimeOf(vf.fact), channel: b.channel, author: vf.fact.author, device: vf.fact.device, text: b.text, ack: b.ack });
}

/** A counted message, from its fact or from a snapshot that kept it as this record. */
export function addMessage(st: ChatState, msg: ChatMessage): void {
  if (st.messageIds.has(msg.id)) return;
  st.messageIds.add(msg.id);
  let bucket = st.buckets.get(msg.channel);
  if (!bucket) st.buckets.set(msg.channel, (bucket = { messages: [], sorted: true }));
  const last = bucket.messages[bucket.messages.length - 1];
  if (last && compareStamps(last, msg) > 0) bucket.sorted = false;
  bucket.messages.push(msg);
  if (st.channels.has(msg.channel)) st.visibleMessages++;
}

function applyReaction(st: ChatState, vf: ValidatedFact<'chat.reaction'>): void {
  const b = vf.fact.body;
  const key = reactionKey(b.channel, b.message);
  let byEmoji = st.reactions.get(key);
  if (!byEmoji) st.reactions.set(key, (byEmoji = new Map()));
  let who = byEmoji.get(b.emoji);
  if (!who) byEmoji.set(b.emoji, (who = new Set()));
  who.add(vf.fact.author);
}

export const chatReducer: Reducer<ChatState, ChatCanonical> = {
  init: () => ({
    channels: new Map(),
    channelList: [],
    channelsSorted: true,
    topics: new Map(),
    renames: new Map(),
    settingsLog: [],
    messageIds: new Set(),
    buckets: new Map(),
    reactions: new Map(),
    visibleMessages: 0,
  }),
  apply(st, vf) {
    if (isKind(vf, 'chat.message')) applyMessage(st, vf);
    else if (isKind(vf, 'chat.reaction')) applyReaction(st, vf);
    else if (isKind(vf, 'chat.channel')) applyChannel(st, vf);
    else if (isKind(vf, 'chat.topic')) {
      keepLast(st.topics, vf.fact.body.channel, vf);
      st.settingsLog.push(vf);
    } else if (isKind(vf, 'chat.rename')) {
      keepLast(st.renames, vf.fact.body.channel, vf);
      st.settingsLog.push(vf);
    }
  },
  canonical(st) {
    const messages = [...st.buckets.values()]
      .flatMap((bucket) => bucket.messages)
      .sort(compareStamps)
      .map((m) => ({ ...m, reactions: messageReactions(st, m.channel, m.id) }));
    return { channels: listChannels(st), messages };
  },
};

/** The latest 'chat.topic' and 'chat.rename' win; the creation fact's values count as earlier than any of them. */
function view(st: ChatState, rec: ChannelRecord): ChatChannel {
  const name = st.renames.get(rec.id)?.fact.body.name ?? rec.name;
  return { id: rec.id, name, creator: rec.creator, createdAt: rec.time, topic: st.topics.get(rec.id)?.fact.body.topic ?? rec.topic };
}

/** Known channels sorted by (creation order time, id). */
export function listChannels(st: ChatState): ChatChannel[] {
  if (!st.channelsSorted) {
    st.channelList.sort(compareStamps);
    st.channelsSorted = true;
  }
  return st.channelList.map((rec) => view(st, rec));
}

export function channelOf(st: ChatState, channel: ChannelId): ChatChannel | undefined {
  const rec = st.channels.get(channel);
  return rec && view(st, rec);
}

/**
 * A known channel's messages in fact order; empty until the channel's creation fact is known. The array
 * is the reducer's own (sorted on demand), valid until the next apply.
 */
export function channelMessages(st: ChatState, channel: ChannelId): readonly ChatMessage[] {
  const bucket = st.buckets.get(channel);
  if (!bucket || !st.channels.has(channel)) return [];
  if (!bucket.sorted) {
    bucket.messages.sort(compareStamps);
    bucket.sorted = true;
  }
  return bucket.messages;
}

/** Number of messages in known channels. */
export function messageCount(st: ChatState): number {
  return st.visibleMessages;
}

/** Reactions to a message, sorted by emoji; only reactions naming the message's own channel count. */
export function messageReactions(st: ChatState, channel: ChannelId, message: FactId): Reaction[] {
  const byEmoji = st.reactions.get(reactionKey(channel, message));
  if (!byEmoji) return [];
  return [...byEmoji.keys()].sort(compareStrings).map((emoji) => ({ emoji, authorities: [...byEmoji.get(emoji)!].sort(compareStrings) }));
}
