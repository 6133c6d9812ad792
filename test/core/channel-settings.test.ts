import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { channelOf, messageReactions } from '../../src/core/reduce/chat.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { compareFacts } from '../../src/core/reduce/stamp.ts';
import { person, reduce } from '../support/authz-world.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

/**
 * Rename, topic and reactions reduce to the same state whatever order the facts arrive in, unauthorized
 * settings included: the latest authorized setting by fact order wins, reactions are a union.
 */
const alice = person('settings-alice');
const bob = person('settings-bob');
const channel = alice.w.fact('chat.channel', { name: 'general' });
const message = bob.w.fact('chat.message', { channel: channel.id, text: 'hello', ack: false });
const EMOJI = ['👍', '🎉', '❤️'];

type Op = { readonly by: 0 | 1; readonly kind: 0 | 1 | 2; readonly value: number; readonly wall: number };
const opArb: fc.Arbitrary<Op> = fc.record({
  by: fc.constantFrom(0 as const, 1 as const),
  kind: fc.constantFrom(0 as const, 1 as const, 2 as const),
  value: fc.nat({ max: 2 }),
  // Clocks of two devices disagree: facts are ordered by their own time, not by when they were written.
  wall: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_050 }),
});

function factOf(op: Op): ValidatedFact {
  const p = op.by === 0 ? alice : bob;
  p.w.setWall(op.wall);
  if (op.kind === 0) return p.w.fact('chat.rename', { channel: channel.id, name: `name ${op.by}-${op.value}` });
  if (op.kind === 1) return p.w.fact('chat.topic', { channel: channel.id, topic: `topic ${op.by}-${op.value}` });
  return p.w.fact('chat.reaction', { channel: channel.id, message: message.id, emoji: EMOJI[op.value]! });
}

const bytesOf = (facts: readonly ValidatedFact[]) => encodeCanonical(namespaceReducer.canonical(reduce(facts)));

describe('channel settings and reactions', () => {
  it('reduce to byte-identical state in any arrival order; only the owner’s latest rename and topic count', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 12 }), randArb, (ops, rand) => {
        const facts = [alice.join, bob.join, channel, message, ...ops.map(factOf)];
        const expected = bytesOf(facts);
        expect(bytesOf(shuffle(facts, rand))).toEqual(expected);
        expect(bytesOf([...facts].reverse())).toEqual(expected);
        const st = reduce(facts);
        const latest = (k: 'chat.rename' | 'chat.topic') =>
          facts.filter((f) => f.fact.kind === k && f.fact.author === alice.author).sort(compareFacts).pop();
        const rename = latest('chat.rename') as ValidatedFact<'chat.rename'> | undefined;
        const topic = latest('chat.topic') as ValidatedFact<'chat.topic'> | undefined;
        expect(channelOf(st.chat, channel.id)!.name).toBe(rename?.fact.body.name ?? 'general');
        expect(channelOf(st.chat, channel.id)!.topic).toBe(topic?.fact.body.topic ?? null);
        // Bob, a member without the rights, is refused for every rename and topic; his reactions count.
        const bobSettings = facts.filter((f) => f.fact.author === bob.author && (f.fact.kind === 'chat.rename' || f.fact.kind === 'chat.topic'));
        for (const f of bobSettings) expect(st.authz.refused.get(f.id)).toBe('MissingRight');
        const reacted = new Set(ops.filter((o) => o.kind === 2).map((o) => `${EMOJI[o.value]}:${o.by}`));
        const shown = messageReactions(st.chat, channel.id, message.id).flatMap((r) => r.authorities.map((a) => `${r.emoji}:${a === alice.author ? 0 : 1}`));
        expect(new Set(shown)).toEqual(reacted);
      }),
      { numRuns: 100 },
    );
  });

  it('a reaction is add-only: reacting twice with the same emoji counts the authority once', () => {
    const twice = [alice.join, bob.join, channel, message, ...[0, 1].map(() => alice.w.at(1).fact('chat.reaction', { channel: channel.id, message: message.id, emoji: '👍' }))];
    expect(messageReactions(reduce(twice).chat, channel.id, message.id)).toEqual([{ emoji: '👍', authorities: [alice.author] }]);
  });
});
