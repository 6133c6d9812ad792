import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace, contextNamespace } from '../../src/core/ids.ts';
import { MEMBER_BINDING } from '../../src/core/reduce/membership.ts';
import { deviceKey, Writer } from './fixtures.ts';
import { lcg, treeOpPool } from './tree-pool.ts';

export interface MixedFacts {
  /** One authority journal: genesis, racing commitment-tree ops, and facts by its devices (and by a stranger). */
  readonly authority: ValidatedFact[];
  /** One busy context journal: joins, chat, AMP, budgets, proposals, ceremonies, consensus, and hostile facts. */
  readonly context: ValidatedFact[];
}

/**
 * A tree-op history plus maintenance facts by each of its devices and by a device never in the tree: the
 * latter wait forever, the others once their device is reachable.
 */
export function authorityJournal(rounds: number, seed: number): ValidatedFact[] {
  const rnd = lcg(seed + 1);
  const ops = treeOpPool(rounds, seed);
  const author = ops[0]!.fact.author;
  const labels = [0, 1, 2, 3, 4, 5].map((i) => `tree-${i}`).concat('tree-stranger');
  const writers = labels.map((l) => new Writer(deviceKey(l), author, authorityNamespace(author)));
  const facts = Array.from({ length: Math.max(4, Math.floor(rounds / 2)) }, (_, i) =>
    writers[rnd() % writers.length]!.at(rnd() % 5).fact('maint.cacheInvalidated', { keys: [`k${rnd() % 8}`], epochFloor: i }),
  );
  return [...ops, ...facts];
}

/**
 * A deterministic, realistic mix: mostly messages, with every other kind of fact interleaved, and
 * many authors writing concurrently. About 1% of the facts are tree ops. Every author joins first; a few
 * percent of the facts are unauthorized: non-members' messages, topics by non-creators, forged commits,
 * ceremony aborts and votes by non-parties.
 */
export function mixedFacts(n: number, authors = 16): MixedFacts {
  const rnd = lcg(42);
  const authority = authorityJournal(Math.max(1, Math.floor(n / 200)), 42);
  const ns = contextNamespace('bench-context');
  const geneses = Array.from({ length: authors }, (_, i) => createGenesis(deviceKey(`bench-${i}`), new Uint8Array(16), { wall: 1, logical: 0 }));
  const ids = geneses.map((g) => g.fact.author);
  const writers = ids.map((a, i) => new Writer(deviceKey(`bench-${i}`), a, ns));
  const outsiders = [0, 1].map((i) => new Writer(deviceKey(`bench-outsider-${i}`), `outsider-${i}`, ns));
  const pick = () => writers[rnd() % writers.length]!;
  const context: ValidatedFact[] = writers.map((w, i) => w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [w.author], data: geneses[i]!.bytes }));
  const channels = Array.from({ length: 8 }, (_, i) => {
    const w = pick();
    return { w, f: w.fact('chat.channel', { name: `channel-${i}` }) };
  });
  context.push(...channels.map((c) => c.f));
  const messages: string[] = [];
  const proposals: string[] = [];
  const ceremonies: string[] = [];
  const generation = new Map<string, number>();
  const target = n - authority.length;
  while (context.length < target) {
    const w = pick().at(rnd() % 5);
    const { w: creator, f: channelFact } = channels[rnd() % channels.length]!;
    const channel = channelFact.id;
    const roll = rnd() % 100;
    const author = w.author;
    let f: ValidatedFact;
    if (roll < 68) {
      f = w.fact('chat.message', { channel, text: `message ${context.length} from ${author.slice(-6)}`, ack: rnd() % 2 === 0 });
      messages.push(f.id);
    } else if (roll < 70) {
      f = outsiders[rnd() % outsiders.length]!.at(rnd() % 5).fact('chat.message', { channel, text: `spam ${context.length}`, ack: false });
    } else if (roll < 75 && messages.length) {
      f = w.fact('chat.reaction', { channel, message: messages[rnd() % messages.length]!, emoji: ['👍', '🎉', '❤️'][rnd() % 3]! });
    } else if (roll < 77) {
      // Half by the channel's creator; the others are refused.
      f = (rnd() % 2 ? creator.at(rnd() % 5) : w).fact('chat.topic', { channel, topic: `topic ${rnd() % 1000}` });
    } else if (roll < 83) {
      const g = (generation.get(channel) ?? 0) + 1 + (rnd() % 50);
      generation.set(channel, g);
      f = w.fact('amp.checkpoint', { channel, chanEpoch: Math.floor(g / 1000), generation: g });
    } else if (roll < 85) {
      const parentEpoch = Math.floor((generation.get(channel) ?? 0) / 1000);
      const bump = `b${rnd() % 4}`;
      f = rnd() % 2
        ? w.fact('amp.proposedBump', { channel, parentEpoch, newEpoch: parentEpoch + 1, bumpId: bump })
        : w.fact('amp.committedBump', { channel, parentEpoch, newEpoch: parentEpoch + 1, chosenBumpId: bump });
    } else if (roll < 86) {
      f = w.fact('amp.policy', { channel, skipWindow: 256 << (rnd() % 4) });
    } else if (roll < 90) {
      const to = ids[rnd() % ids.length]!;
      f = w.fact('rel.flowBudget', { from: author, to, epoch: rnd() % 3, limit: 1000, spent: rnd() % 1000 });
    } else if (roll < 92) {
      f = w.fact('proposal.create', { subject: `member/${rnd() % 20}`, operation: 'remove-member', args: [], rule: { type: 'Threshold', required: 3 }, voters: ids.slice(0, 5), expiresAt: w.wall + 60_000 });
      proposals.push(f.id);
    } else if (roll < 95 && proposals.length) {
      f = w.fact('proposal.vote', { proposal: proposals[rnd() % proposals.length]!, approve: rnd() % 4 !== 0 });
    } else if (roll < 96) {
      f = w.fact('ceremony.start', { ceremonyKind: 'create-group', participants: ids.slice(0, 4), threshold: 3, prestateHash: '0'.repeat(64) });
      ceremonies.push(f.id);
    } else if (roll < 97 && ceremonies.length) {
      f = w.fact('ceremony.response', { ceremony: ceremonies[rnd() % ceremonies.length]!, accept: rnd() % 5 !== 0 });
    } else if (roll < 98 && ceremonies.length) {
      f = w.fact('ceremony.abort', { ceremony: ceremonies[rnd() % ceremonies.length]!, reason: 'changed plans' });
    } else if (roll < 99) {
      f = w.fact('rel.binding', { bindingType: 'contact', authorities: [author, ids[rnd() % ids.length]!].filter((x, i, a) => a.indexOf(x) === i) });
    } else if (messages.length) {
      const covers = [messages[rnd() % messages.length]!];
      f = w.fact('consensus.commit', { consensusId: `c${rnd() % 1000}`, prestateHash: '1'.repeat(64), covers, signers: [author], signature: new Uint8Array(64) });
    } else continue;
    context.push(f);
  }
  return { authority, context };
}
