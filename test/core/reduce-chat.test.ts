import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../src/core/compare.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { orderTimeOf, type ValidatedFact } from '../../src/core/facts/fact.ts';
import { validateFact } from '../../src/core/facts/validate.ts';
import { contextNamespace, type AuthorityId } from '../../src/core/ids.ts';
import {
  channelMessages,
  channelOf,
  chatReducer,
  listChannels,
  messageCount,
  messageReactions,
  type ChatState,
} from '../../src/core/reduce/chat.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('ctx-chat-test');
const A: AuthorityId = 'auth-alice';
const B: AuthorityId = 'auth-bob';
const C: AuthorityId = 'auth-carol';

function writer(label: string, author: AuthorityId): Writer {
  return new Writer(deviceKey(`chat-${label}`), author, ns);
}

function reduce(facts: readonly ValidatedFact[]): ChatState {
  const st = chatReducer.init();
  for (const f of facts) chatReducer.apply(st, f);
  return st;
}

const bytesOf = (st: ChatState) => encodeCanonical(chatReducer.canonical(st));

function concurrent(ws: Writer[], wall: number): Writer[] {
  for (const w of ws) w.setWall(wall);
  return ws;
}

describe('channels and topics', () => {
  it('a channel is its creation fact: id, name, creator, creation time; listed by (created time, id)', () => {
    const a = writer('ch-a', A);
    const b = writer('ch-b', B);
    const first = a.fact('chat.channel', { name: 'general', topic: 'hello' });
    const second = b.at(3).fact('chat.channel', { name: 'random' });
    const st = reduce([second, first]);
    expect(listChannels(st)).toEqual([
      { id: first.id, name: 'general', creator: A, createdAt: orderTimeOf(first.fact), topic: 'hello' },
      { id: second.id, name: 'random', creator: B, createdAt: orderTimeOf(second.fact), topic: null },
    ]);
    expect(channelOf(st, second.id)?.name).toBe('random');
    expect(channelOf(st, 'unknown')).toBeUndefined();
  });

  it('the latest topic by (order time, FactId) wins; the creation topic is the earliest value', () => {
    const a = writer('tp-a', A);
    const b = writer('tp-b', B);
    const ch = a.at(100).fact('chat.channel', { name: 'general', topic: 'original' });
    // Written on a device whose clock is behind: ordered before the channel, still overrides its topic.
    const early = b.setWall(1_000).fact('chat.topic', { channel: ch.id, topic: 'from a slow clock' });
    expect(channelOf(reduce([early, ch]), ch.id)?.topic).toBe('from a slow clock');
    expect(channelOf(reduce([ch]), ch.id)?.topic).toBe('original');

    const [x, y] = concurrent([a, b], 1_900_000_000_000);
    const tx = x!.fact('chat.topic', { channel: ch.id, topic: 'x' });
    const ty = y!.fact('chat.topic', { channel: ch.id, topic: 'y' });
    const tied = compareStrings(tx.fact.device, ty.fact.device) > 0 ? 'x' : 'y';
    expect(channelOf(reduce([ch, tx, ty, early]), ch.id)?.topic).toBe(tied);
    expect(channelOf(reduce([ty, early, tx, ch]), ch.id)?.topic).toBe(tied);

    const later = b.at(1).fact('chat.topic', { channel: ch.id, topic: 'latest' });
    expect(channelOf(reduce([later, tx, ty, ch]), ch.id)?.topic).toBe('latest');
  });

  it('a topic set before its channel is known applies once the channel arrives', () => {
    const a = writer('tp-orphan', A);
    const ch = a.fact('chat.channel', { name: 'general' });
    const topic = a.fact('chat.topic', { channel: ch.id, topic: 'hi' });
    const st = reduce([topic]);
    expect(listChannels(st)).toEqual([]);
    chatReducer.apply(st, ch);
    expect(channelOf(st, ch.id)?.topic).toBe('hi');
  });
});

describe('messages and reactions', () => {
  it('lists a channel’s messages in fact order with their fields', () => {
    const a = writer('msg-a', A);
    const b = writer('msg-b', B);
    const ch = a.fact('chat.channel', { name: 'general' });
    const m1 = a.fact('chat.message', { channel: ch.id, text: 'one', ack: false });
    const m2 = b.at(5).fact('chat.message', { channel: ch.id, text: 'two', ack: true });
    const m3 = a.at(10).fact('chat.message', { channel: ch.id, text: 'three', ack: false });
    const st = reduce([m3, ch, m1, m2, m1]);
    expect(channelMessages(st, ch.id)).toEqual([
      { id: m1.id, time: orderTimeOf(m1.fact), channel: ch.id, author: A, device: a.key.deviceId, text: 'one', ack: false },
      { id: m2.id, time: orderTimeOf(m2.fact), channel: ch.id, author: B, device: b.key.deviceId, text: 'two', ack: true },
      { id: m3.id, time: orderTimeOf(m3.fact), channel: ch.id, author: A, device: a.key.deviceId, text: 'three', ack: false },
    ]);
    expect(messageCount(st)).toBe(3);
    // Appending after a query keeps the order right.
    const m0 = b.setWall(1_000).fact('chat.message', { channel: ch.id, text: 'zero', ack: false });
    chatReducer.apply(st, m0);
    expect(channelMessages(st, ch.id).map((m) => m.text)).toEqual(['zero', 'one', 'two', 'three']);
    expect(messageCount(st)).toBe(4);
  });

  it('a message that arrives before its channel is kept and shows up once the channel arrives', () => {
    const a = writer('msg-orphan', A);
    const ch = a.fact('chat.channel', { name: 'general' });
    const other = a.fact('chat.channel', { name: 'other' });
    const m = a.fact('chat.message', { channel: ch.id, text: 'early bird', ack: false });
    const st = reduce([m, other]);
    expect(channelMessages(st, ch.id)).toEqual([]);
    expect(channelMessages(st, other.id)).toEqual([]);
    expect(messageCount(st)).toBe(0);
    expect(chatReducer.canonical(st).messages.map((x) => x.id)).toEqual([m.id]);

    chatReducer.apply(st, ch);
    expect(channelMessages(st, ch.id).map((x) => x.text)).toEqual(['early bird']);
    expect(messageCount(st)).toBe(1);
    expect(bytesOf(st)).toEqual(bytesOf(reduce([ch, other, m])));
  });

  it('collects reactions per message: emoji → sorted set of authorities', () => {
    const a = writer('re-a', A);
    const a2 = writer('re-a2', A);
    const b = writer('re-b', B);
    const c = writer('re-c', C);
    const ch = a.fact('chat.channel', { name: 'general' });
    const elsewhere = a.fact('chat.channel', { name: 'elsewhere' });
    const m = a.fact('chat.message', { channel: ch.id, text: 'react to me', ack: false });
    const reactions = [
      c.fact('chat.reaction', { channel: ch.id, message: m.id, emoji: '👍' }),
      a.fact('chat.reaction', { channel: ch.id, message: m.id, emoji: '👍' }),
      a2.fact('chat.reaction', { channel: ch.id, message: m.id, emoji: '👍' }),
      b.fact('chat.reaction', { channel: ch.id, message: m.id, emoji: '🎉' }),
      b.fact('chat.reaction', { channel: elsewhere.id, message: m.id, emoji: '😡' }),
    ];
    const st = reduce([...reactions, m, elsewhere, ch]);
    const expected = [
      { emoji: '🎉', authorities: [B] },
      { emoji: '👍', authorities: [A, C] },
    ].sort((x, y) => compareStrings(x.emoji, y.emoji));
    expect(messageReactions(st, ch.id, m.id)).toEqual(expected);
    expect(chatReducer.canonical(st).messages[0]!.reactions).toEqual(expected);
    expect(messageReactions(st, ch.id, 'no-such-message')).toEqual([]);
  });

  it('ignores kinds it does not own', () => {
    const w = writer('foreign', A);
    const st = reduce([w.fact('amp.policy', { channel: 'c', skipWindow: 4 }), w.fact('rel.binding', { bindingType: 'contact', authorities: [A] })]);
    expect(chatReducer.canonical(st)).toEqual({ channels: [], messages: [] });
  });
});

/** Three channels, concurrent topics, messages in every channel from every writer, duplicate and stray reactions. */
function chatPool(): ValidatedFact[] {
  const ws = [writer('pool-a', A), writer('pool-a2', A), writer('pool-b', B), writer('pool-c', C)];
  const w = (i: number) => ws[i % ws.length]!;
  let wall = 1_900_000_000_000;
  const round = () => concurrent(ws, (wall += 10));
  round();
  const channels = [
    w(0).fact('chat.channel', { name: 'general', topic: 'welcome' }),
    w(2).fact('chat.channel', { name: 'random' }),
    w(3).fact('chat.channel', { name: 'ops', topic: 'on call' }),
  ];
  const out: ValidatedFact[] = [...channels];
  const ch = (i: number) => channels[i % channels.length]!.id;
  round();
  out.push(
    w(0).fact('chat.topic', { channel: ch(0), topic: 'alice says' }),
    w(2).fact('chat.topic', { channel: ch(0), topic: 'bob says' }),
    w(3).fact('chat.topic', { channel: ch(1), topic: 'carol says' }),
    w(1).setWall(1_000).fact('chat.topic', { channel: ch(2), topic: 'slow clock' }),
  );
  const messages: ValidatedFact<'chat.message'>[] = [];
  for (let r = 0; r < 6; r++) {
    round();
    for (let i = 0; i < ws.length; i++) {
      messages.push(w(i).at(r % 2).fact('chat.message', { channel: ch(r + i), text: `m${r}.${i}`, ack: (r + i) % 3 === 0 }));
    }
  }
  out.push(...messages);
  round();
  const emojis = ['👍', '🎉'];
  for (let k = 0; k < 12; k++) {
    const m = messages[(k * 5) % messages.length]!;
    out.push(w(k).fact('chat.reaction', { channel: m.fact.body.channel, message: m.id, emoji: emojis[k % 2]! }));
  }
  out.push(w(2).fact('chat.reaction', { channel: ch(1), message: messages[0]!.id, emoji: '😡' }));
  return out;
}

/** Everything a UI asks for, so queries (and their lazy sorting) are compared too. */
function queries(st: ChatState, pool: readonly ValidatedFact[]) {
  const ids = pool.filter((f) => f.fact.kind === 'chat.channel').map((f) => f.id);
  return {
    channels: listChannels(st),
    messages: ids.map((id) => channelMessages(st, id).map((m) => ({ ...m, reactions: messageReactions(st, id, m.id) }))),
    count: messageCount(st),
  };
}

const withRepeats = (pool: ValidatedFact[]) => fc.shuffledSubarray(pool).chain((facts) => fc.tuple(fc.constant(facts), fc.shuffledSubarray(facts)));

describe('order independence', () => {
  const pool = chatPool();

  it('pool facts are valid facts', () => {
    for (const f of pool) expect(validateFact(f.bytes).id).toBe(f.id);
  });

  it('the full pool reduces to the expected shape', () => {
    const st = reduce(pool);
    expect(listChannels(st).map((c) => c.name).sort(compareStrings)).toEqual(['general', 'ops', 'random']);
    expect(messageCount(st)).toBe(24);
    for (const c of listChannels(st)) expect(channelMessages(st, c.id)).toHaveLength(8);
  });

  it('any subset in any order, with repeats, gives the same canonical bytes and query answers', () => {
    fc.assert(
      fc.property(withRepeats(pool), ([facts, repeats]) => {
        const reference = reduce([...facts].sort((x, y) => compareStrings(x.id, y.id)));
        const shuffled = reduce([...facts, ...repeats]);
        expect(bytesOf(shuffled)).toEqual(bytesOf(reference));
        expect(queries(shuffled, pool)).toEqual(queries(reference, pool));
        expect(messageCount(shuffled)).toBe(
          facts.filter((f) => f.fact.kind === 'chat.message' && facts.some((c) => c.id === (f as ValidatedFact<'chat.message'>).fact.body.channel)).length,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('interleaving queries with applies does not change the result', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(pool), fc.nat(), (facts, cut) => {
        const st = chatReducer.init();
        const k = facts.length === 0 ? 0 : cut % facts.length;
        for (const f of facts.slice(0, k)) chatReducer.apply(st, f);
        queries(st, pool);
        for (const f of facts.slice(k)) chatReducer.apply(st, f);
        expect(queries(st, pool)).toEqual(queries(reduce([...facts].reverse()), pool));
      }),
      { numRuns: 200 },
    );
  });
});
