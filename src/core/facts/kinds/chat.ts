import { bool, cid, obj, str, type Infer } from '../schema.ts';
import { MAX_MESSAGE_CHARS } from '../../limits.ts';
import { kind } from './kind-spec.ts';

/** A channel's id is the FactId of its creation fact. */
export const ChannelCreated = obj({ name: str({ min: 1, max: 64 }) }, { topic: str({ max: 256 }) });
export const ChannelTopicSet = obj({ channel: cid, topic: str({ max: 256 }) });
/** A new name for a channel; the same bounds as the name it was created with. */
export const ChannelRenamed = obj({ channel: cid, name: str({ min: 1, max: 64 }) });
/** `ack` opts the message into acknowledgment tracking (spec 002). */
export const MessageSent = obj({ channel: cid, text: str({ min: 1, max: MAX_MESSAGE_CHARS }), ack: bool });
export const ReactionAdded = obj({ channel: cid, message: cid, emoji: str({ min: 1, max: 16 }) });
export type ChannelCreated = Infer<typeof ChannelCreated>;
export type ChannelTopicSet = Infer<typeof ChannelTopicSet>;
export type ChannelRenamed = Infer<typeof ChannelRenamed>;
export type MessageSent = Infer<typeof MessageSent>;
export type ReactionAdded = Infer<typeof ReactionAdded>;

export const chatKinds = {
  'chat.channel': kind('context', ChannelCreated),
  'chat.topic': kind('context', ChannelTopicSet),
  'chat.rename': kind('context', ChannelRenamed),
  'chat.message': kind('context', MessageSent),
  'chat.reaction': kind('context', ReactionAdded),
};
