import { ConsistencyMap } from '../../core/consistency/consistency-map.ts';
import type { Consistency } from '../../core/consistency/consistency.ts';
import { OPTIMISTIC } from '../../core/consistency/operation-category.ts';
import { optimisticIndicator, optimisticProgress } from '../../core/consistency/optimistic-status.ts';
import { COMPLETE, LOCAL, type Propagation } from '../../core/consistency/propagation.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { journalOf, namespaceId, type AuthorityId, type ChannelId, type ContextId, type FactId, type Namespace } from '../../core/ids.ts';
import { utf8 } from '../../core/encoding/bytes.ts';
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_CHARS } from '../../core/limits.ts';
import { agreementOf } from '../../core/reduce/agreement.ts';
import { listChannels, messageReactions } from '../../core/reduce/chat.ts';
import { groupRoster } from '../../core/reduce/group-roster.ts';
import { currentRights, effectiveChannel } from '../../core/reduce/group-settings.ts';
import type { Right } from '../../core/flow/capabilities.ts';
import { compactedAgreement } from '../../core/snapshot/compacted.ts';
import { contextMembership, memberList, visibleMessages } from '../../core/reduce/membership.ts';
import { NodeError, type ChannelSummary, type ChatApi, type MessageView, type QueryResult, type StatusDetails } from '../api.ts';
import { draft, draftSigned } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { finalityOf } from './finality.ts';
import { SendBatcher } from './send-batcher.ts';

/** Channels and messages: their commands, and queries answering with each item's consistency (spec 002). */
export class ChatModule implements ChatApi {
  /** Last view of each message, reused while unchanged so the UI can skip re-rendering it. */
  private readonly views = new Map<FactId, MessageView>();
  private readonly sends: SendBatcher;

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
  ) {
    this.sends = new SendBatcher(
      (req) => host.write(req),
      (context, facts) => ({ context, facts, membership: host.membersOf(context).view, right: 'chat:send', trackAcksOf: ['chat.message'] }),
    );
  }

  channels(): QueryResult<readonly ChannelSummary[]> {
    return this.host.cached('channels', () => {
      const out: ChannelSummary[] = [];
      const entries: [string, Consistency][] = [];
      for (const ns of this.host.journals.namespaces()) {
        if (!ns.startsWith('context:')) continue;
        const st = this.host.journals.get(ns)!.state;
        const me = this.host.identity()?.authorityId;
        // In a group: without a retired admin's settings and rights (`core/reduce/group-settings.ts`).
        for (const ch of listChannels(st.chat).map((c) => effectiveChannel(st, c))) {
          const rights = me === undefined ? [] : [...currentRights(st, me, ch.id)].sort();
          out.push({ id: ch.id, context: namespaceId(ns), name: ch.name, topic: ch.topic, messageCount: visibleMessages(st, ch.id).length, createdAt: ch.createdAt.wall, rights });
          entries.push([ch.id, this.consistencyOf(ns, ch.id, false)]);
        }
      }
      out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      return { data: out, consistency: ConsistencyMap.of(entries) };
    });
  }

  async createChannel(name: string): Promise<ChannelId> {
    this.host.requireIdentity();
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 64) throw new NodeError('InvalidInput', 'A channel name has 1 to 64 characters.');
    return this.openChannel(await this.membership.createContext(), clean);
  }

  /** Joins a context whose secret this device holds and opens a channel in it (a new channel, a new contact's). */
  async openChannel(context: ContextId, name: string): Promise<ChannelId> {
    const ns = journalOf(context);
    const join = this.membership.joinFacts(ns);
    const channel = draft(this.host, ns, 'chat.channel', { name });
    // The creator's own join and the channel commit together; holding the secret authorizes the join. Announced:
    // whoever holds the secret already (a contact waiting for this commit) hears it by gossip at once.
    await this.host.write({ context, facts: [...join, channel], membership: { context, rights: this.membership.joinRights() }, right: 'member:join', announce: true });
    return channel.id;
  }

  joinCode(channel: ChannelId): string {
    const ns = this.namespaceOfChannel(channel);
    if (!ns) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
    return this.membership.joinCode(ns, channel);
  }

  messages(channel: ChannelId, limit = Number.MAX_SAFE_INTEGER): QueryResult<readonly MessageView[]> {
    return this.host.cached(`messages:${channel}:${limit}`, () => {
      const ns = this.namespaceOfChannel(channel);
      if (!ns) return { data: [], consistency: ConsistencyMap.EMPTY };
      const st = this.host.journals.get(ns)!.state;
      const members = memberList(contextMembership(namespaceId(ns), st).view);
      const me = this.host.identity()?.authorityId;
      const entries: [string, Consistency][] = [];
      const all = visibleMessages(st, channel);
      const data = all.slice(Math.max(0, all.length - limit)).map((m): MessageView => {
        const c = this.consistencyOf(ns, m.id, m.ack, members);
        entries.push([m.id, c]);
        const expected = this.expectedAcks(m.id, m.author, members);
        const indicator = optimisticIndicator(c, expected);
        return this.reuseView({
          id: m.id,
          channel,
          author: m.author,
          authorName: this.membership.names.nameOf(m.author),
          text: m.text,
          sentAt: m.time.wall,
          own: m.author === me,
          indicator,
          progress: indicator === 'Syncing' ? optimisticProgress(c, expected) : null,
          expected,
          reactions: messageReactions(st.chat, channel, m.id).map((r) => ({ emoji: r.emoji, names: r.authorities.map((a) => this.membership.names.nameOf(a)), mine: me !== undefined && r.authorities.includes(me) })),
        });
      });
      return { data, consistency: ConsistencyMap.of(entries) };
    });
  }

  async sendMessage(channel: ChannelId, text: string): Promise<FactId> {
    this.host.requireIdentity();
    const body = text.trim();
    if (body.length < 1 || body.length > MAX_MESSAGE_CHARS) throw new NodeError('InvalidInput', `A message has 1 to ${MAX_MESSAGE_CHARS} characters.`);
    // Checked before it joins a batch: one oversized fact would fail every send written with it.
    if (utf8.encode(body).length > MAX_MESSAGE_BYTES) throw new NodeError('InvalidInput', `This message is too long to send in one piece (${Math.floor(MAX_MESSAGE_BYTES / 1024)} KB at most).`);
    const ns = this.namespaceOfChannel(channel);
    if (!ns) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
    const st = this.host.journals.get(ns)!.state;
    if (groupRoster(st)?.archived.has(channel)) throw new NodeError('AuthorizationDenied', 'This channel is archived: it is read-only.');
    // Drafted now (at this clock reading, signed by the platform), written with the other sends of the same burst.
    const fact = draftSigned(this.host, ns, 'chat.message', { channel, text: body, ack: true });
    await this.sends.add(namespaceId(ns), fact);
    return (await fact).id;
  }

  async renameChannel(channel: ChannelId, name: string): Promise<FactId> {
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 64) throw new NodeError('InvalidInput', 'A channel name has 1 to 64 characters.');
    return this.writeIn(channel, 'chat:rename', (ns) => draft(this.host, ns, 'chat.rename', { channel, name: clean }));
  }

  setTopic(channel: ChannelId, topic: string): Promise<FactId> {
    return this.writeIn(channel, 'chat:topic', (ns) => draft(this.host, ns, 'chat.topic', { channel, topic: topic.trim() }));
  }

  react(channel: ChannelId, message: FactId, emoji: string): Promise<FactId> {
    return this.writeIn(channel, 'chat:react', (ns) => draft(this.host, ns, 'chat.reaction', { channel, message, emoji }));
  }

  /**
   * One fact about a channel, written only if this authority holds `right` over it (`hasRight`, the rule the
   * receivers apply): refusing here spares a write every member would refuse anyway.
   */
  private async writeIn(channel: ChannelId, right: Right, make: (ns: Namespace) => ValidatedFact): Promise<FactId> {
    const me = this.host.requireIdentity();
    const ns = this.namespaceOfChannel(channel);
    if (!ns) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
    if (!currentRights(this.host.journals.get(ns)!.state, me.authorityId, channel).has(right)) throw new NodeError('AuthorizationDenied', `This authority does not hold ${right} in this channel.`);
    const fact = make(ns);
    await this.host.write({ context: namespaceId(ns), facts: [fact], membership: this.host.membersOf(namespaceId(ns)).view, right });
    return fact.id;
  }

  statusDetails(id: FactId): StatusDetails | null {
    const f = this.host.journals.fact(id);
    if (!f) return null;
    const st = this.host.journals.get(f.fact.ns)!.state;
    const members = f.fact.ns.startsWith('context:') ? memberList(contextMembership(namespaceId(f.fact.ns), st).view) : [];
    const agreement = agreementOf(st.agreement, id);
    return {
      agreement,
      finality: finalityOf(this.host.journals, f.fact.ns, st, agreement, (a) => this.membership.names.nameOf(a)),
      propagation: this.propagationOf(f),
      acks: this.host.evidence.acknowledgmentOf(id).ackedBy,
      expected: this.expectedAcks(id, f.fact.author, members),
    };
  }

  /** `members`, when the caller already has them, saves recomputing membership for every item of a list. */
  consistencyOf(ns: Namespace, id: FactId, tracksAcks: boolean, members?: readonly AuthorityId[]): Consistency {
    const j = this.host.journals.get(ns)!;
    const f = j.facts.get(id);
    // A message whose fact a snapshot let go: its witnesses signed a state holding it.
    if (!f) return { category: OPTIMISTIC, agreement: compactedAgreement(j.state), propagation: COMPLETE, acknowledgment: null };
    return {
      category: OPTIMISTIC,
      agreement: agreementOf(j.state.agreement, id),
      propagation: this.propagationOf(f, members),
      acknowledgment: tracksAcks ? this.host.evidence.acknowledgmentOf(id) : null,
    };
  }

  /** Who, besides us and the author, should hold a context fact; and what the evidence says they do. */
  private propagationOf(f: ValidatedFact, members?: readonly AuthorityId[]): Propagation {
    if (!f.fact.ns.startsWith('context:')) return LOCAL;
    const context = namespaceId(f.fact.ns);
    const all = members ?? memberList(this.host.membersOf(context).view);
    const me = this.host.identity()?.authorityId;
    const others = all.filter((a) => a !== me && a !== f.fact.author);
    return this.host.evidence.propagation(context, f.id, f.fact.time.wall, others);
  }

  /** Who must ack a fact for Delivered: the other members, or for a settled fact the peers expected then. */
  private expectedAcks(id: FactId, author: AuthorityId, members: readonly AuthorityId[]): readonly AuthorityId[] {
    return this.host.evidence.settledExpected(id) ?? members.filter((a) => a !== author);
  }

  private namespaceOfChannel(channel: ChannelId): Namespace | undefined {
    const f = this.host.journals.fact(channel);
    return f?.fact.kind === 'chat.channel' ? f.fact.ns : undefined;
  }

  private reuseView(v: MessageView): MessageView {
    const prev = this.views.get(v.id);
    const sameProgress = prev?.progress?.reached === v.progress?.reached && prev?.progress?.of === v.progress?.of && prev?.progress?.unit === v.progress?.unit;
    const sameReactions = JSON.stringify(prev?.reactions) === JSON.stringify(v.reactions);
    if (prev && prev.indicator === v.indicator && sameProgress && sameReactions && prev.authorName === v.authorName && prev.expected.join() === v.expected.join()) return prev;
    this.views.set(v.id, v);
    return v;
  }
}
