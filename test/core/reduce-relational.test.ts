import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../src/core/compare.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { validateFact } from '../../src/core/facts/validate.ts';
import { contextNamespace, type AuthorityId } from '../../src/core/ids.ts';
import { DEFAULT_SKIP_WINDOW, isPrunable, pruningBoundary } from '../../src/core/reduce/gc-boundary.ts';
import {
  channelEpochState,
  channelPruningBoundary,
  flowBudgetOf,
  isPrunableInChannel,
  listBindings,
  listFlowBudgets,
  receiptOf,
  relationalReducer,
  type RelationalState,
} from '../../src/core/reduce/relational.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('ctx-relational-test');
const A: AuthorityId = 'auth-a';
const B: AuthorityId = 'auth-b';
const C: AuthorityId = 'auth-c';

function writer(label: string, author: AuthorityId): Writer {
  return new Writer(deviceKey(`rel-${label}`), author, ns);
}

function reduce(facts: readonly ValidatedFact[]): RelationalState {
  const st = relationalReducer.init();
  for (const f of facts) relationalReducer.apply(st, f);
  return st;
}

const bytesOf = (st: RelationalState) => encodeCanonical(relationalReducer.canonical(st));
const envelope = (n: number) => new Uint8Array(32).fill(n);
const sig = (n: number) => new Uint8Array(64).fill(n);

/** Writers that all write their next fact at the same HLC reading: concurrent facts, ordered by device. */
function concurrent(ws: Writer[], wall: number): Writer[] {
  for (const w of ws) w.setWall(wall);
  return ws;
}

describe('GC pruning boundary', () => {
  it('is max_generation − 2·window − window/2, floored at 0', () => {
    expect(pruningBoundary(5000, 1024)).toBe(2440);
    expect(pruningBoundary(5000, DEFAULT_SKIP_WINDOW)).toBe(2440);
    expect(pruningBoundary(1000, 101)).toBe(1000 - 202 - 50);
    expect(pruningBoundary(2560, 1024)).toBe(0);
    expect(pruningBoundary(100, 1024)).toBe(0);
    expect(pruningBoundary(0, 1)).toBe(0);
  });

  it('prunes generations at or below the boundary, and nothing while the channel is younger than its window', () => {
    expect(isPrunable(2440, 5000, 1024)).toBe(true);
    expect(isPrunable(2441, 5000, 1024)).toBe(false);
    expect(isPrunable(0, 2560, 1024)).toBe(true);
    expect(isPrunable(0, 100, 1024)).toBe(false);
  });

  it('per channel uses the highest checkpoint generation and the channel skip window', () => {
    const w = writer('gc', A);
    const facts = [
      w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 0, generation: 3000 }),
      w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 0, generation: 5000 }),
      w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 0, generation: 4000 }),
    ];
    const st = reduce(facts);
    expect(channelPruningBoundary(st, 'ch')).toBe(2440);
    expect(channelEpochState(st, 'ch')?.pruningBoundary).toBe(2440);
    expect(isPrunableInChannel(st, 'ch', 2440)).toBe(true);
    expect(isPrunableInChannel(st, 'ch', 2441)).toBe(false);
    expect(channelPruningBoundary(st, 'other')).toBeUndefined();
    expect(isPrunableInChannel(st, 'other', 0)).toBe(false);

    relationalReducer.apply(st, w.fact('amp.policy', { channel: 'ch', skipWindow: 100 }));
    expect(channelPruningBoundary(st, 'ch')).toBe(5000 - 200 - 50);
    expect(isPrunableInChannel(st, 'ch', 4750)).toBe(true);
    expect(isPrunableInChannel(st, 'ch', 4751)).toBe(false);
  });
});

describe('AMP channel epochs', () => {
  it('checkpoints raise the current generation and checkpoint epoch to their maxima', () => {
    const w = writer('ck', A);
    const st = reduce([
      w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 0, generation: 700 }),
      w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 2, generation: 300 }),
      w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 1, generation: 900 }),
    ]);
    const s = channelEpochState(st, 'ch')!;
    expect(s.currentGeneration).toBe(900);
    expect(s.checkpointEpoch).toBe(2);
    expect(s.chanEpoch).toBe(2);
    expect(s.skipWindow).toBe(1024);
    expect(s.policy).toBeNull();
  });

  it('pending bumps are the uncommitted proposals from the committed epoch; committing retires them', () => {
    const a = writer('pb-a', A);
    const b = writer('pb-b', B);
    const p0x = a.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, bumpId: 'x' });
    const p0y = b.at(5).fact('amp.proposedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, bumpId: 'y' });
    const p0xAgain = b.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, bumpId: 'x' });
    const p0skip = a.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 2, bumpId: 'skip' });
    const p1z = a.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 1, newEpoch: 2, bumpId: 'z' });
    const st = reduce([p1z, p0xAgain, p0skip, p0y, p0x]);

    const before = channelEpochState(st, 'ch')!;
    expect(before.chanEpoch).toBe(0);
    // One entry per bumpId, represented by its earliest fact, in fact order; the 0→2 jump is not a chain step.
    expect(before.pendingBumps.map((p) => [p.bumpId, p.proposer, p.stamp.id])).toEqual([
      ['x', A, p0x.id],
      ['y', B, p0y.id],
    ]);

    relationalReducer.apply(st, b.fact('amp.committedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, chosenBumpId: 'y' }));
    const after = channelEpochState(st, 'ch')!;
    expect(after.chanEpoch).toBe(1);
    expect(after.pendingBumps.map((p) => p.bumpId)).toEqual(['z']);
    expect(after.pendingBumps[0]).toMatchObject({ parentEpoch: 1, newEpoch: 2, proposer: A });

    // A proposal from an epoch already left behind never becomes pending again.
    relationalReducer.apply(st, a.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, bumpId: 'late' }));
    expect(channelEpochState(st, 'ch')!.pendingBumps.map((p) => p.bumpId)).toEqual(['z']);
  });

  it('the committed epoch follows only a consistent chain of committed bumps', () => {
    const w = writer('chain', A);
    const c12 = w.fact('amp.committedBump', { channel: 'ch', parentEpoch: 1, newEpoch: 2, chosenBumpId: 'b' });
    const c05 = w.fact('amp.committedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 5, chosenBumpId: 'jump' });
    const c34 = w.fact('amp.committedBump', { channel: 'ch', parentEpoch: 3, newEpoch: 4, chosenBumpId: 'd' });
    const st = reduce([c12, c05, c34]);
    expect(channelEpochState(st, 'ch')!.chanEpoch).toBe(0);

    relationalReducer.apply(st, w.fact('amp.committedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, chosenBumpId: 'a' }));
    expect(channelEpochState(st, 'ch')!.chanEpoch).toBe(2);

    relationalReducer.apply(st, w.fact('amp.committedBump', { channel: 'ch', parentEpoch: 2, newEpoch: 3, chosenBumpId: 'c' }));
    expect(channelEpochState(st, 'ch')!.chanEpoch).toBe(4);
  });

  it('concurrent commits from one parent both lead to parent + 1', () => {
    const [a, b] = concurrent([writer('cc-a', A), writer('cc-b', B)], 1_800_000_000_000);
    const st = reduce([
      a!.fact('amp.committedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, chosenBumpId: 'x' }),
      b!.fact('amp.committedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, chosenBumpId: 'y' }),
    ]);
    expect(channelEpochState(st, 'ch')!.chanEpoch).toBe(1);
  });

  it('a checkpoint anchors the chain at its epoch', () => {
    const w = writer('anchor', A);
    const st = reduce([
      w.fact('amp.committedBump', { channel: 'ch', parentEpoch: 3, newEpoch: 4, chosenBumpId: 'd' }),
      w.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 4, newEpoch: 5, bumpId: 'e' }),
      w.fact('amp.proposedBump', { channel: 'ch', parentEpoch: 0, newEpoch: 1, bumpId: 'stale' }),
    ]);
    expect(channelEpochState(st, 'ch')!.chanEpoch).toBe(0);
    expect(channelEpochState(st, 'ch')!.pendingBumps.map((p) => p.bumpId)).toEqual(['stale']);

    relationalReducer.apply(st, w.fact('amp.checkpoint', { channel: 'ch', chanEpoch: 3, generation: 10 }));
    const s = channelEpochState(st, 'ch')!;
    expect(s.chanEpoch).toBe(4);
    expect(s.pendingBumps.map((p) => p.bumpId)).toEqual(['e']);
  });

  it('among concurrent policies the greatest by (order time, FactId) sets the skip window', () => {
    const ws = concurrent([writer('pol-a', A), writer('pol-b', B), writer('pol-c', C)], 1_800_000_000_000);
    const policies = ws.map((w, i) => w.fact('amp.policy', { channel: 'ch', skipWindow: [16, 64, 2048][i]! }));
    // Same HLC reading: the tie is broken by device id.
    const winner = [...policies].sort((x, y) => compareStrings(x.fact.device, y.fact.device)).at(-1)!;
    for (const order of [policies, [...policies].reverse(), [policies[1]!, policies[2]!, policies[0]!]]) {
      const s = channelEpochState(reduce(order), 'ch')!;
      expect(s.skipWindow).toBe(winner.fact.body.skipWindow);
      expect(s.policy?.id).toBe(winner.id);
    }
    // A later policy wins over all of them, whatever its value.
    const later = ws[0]!.at(5).fact('amp.policy', { channel: 'ch', skipWindow: 8 });
    expect(channelEpochState(reduce([later, ...policies]), 'ch')!.skipWindow).toBe(8);
  });

  it('channels are independent and listed by channel id', () => {
    const w = writer('multi', A);
    const st = reduce([
      w.fact('amp.checkpoint', { channel: 'zeta', chanEpoch: 1, generation: 5 }),
      w.fact('amp.committedBump', { channel: 'alpha', parentEpoch: 0, newEpoch: 1, chosenBumpId: 'a' }),
    ]);
    const c = relationalReducer.canonical(st);
    expect(c.channelEpochs.map((s) => [s.channel, s.chanEpoch, s.currentGeneration])).toEqual([
      ['alpha', 1, 0],
      ['zeta', 1, 5],
    ]);
  });
});

describe('flow budgets, bindings, receipts', () => {
  it('merges observations of one (from, to, epoch): min limit, max spent', () => {
    const a = writer('fb-a', A);
    const b = writer('fb-b', B);
    const st = reduce([
      a.fact('rel.flowBudget', { from: A, to: B, epoch: 1, limit: 100, spent: 10 }),
      b.fact('rel.flowBudget', { from: A, to: B, epoch: 1, limit: 80, spent: 5 }),
      a.fact('rel.flowBudget', { from: A, to: B, epoch: 1, limit: 120, spent: 30 }),
      a.fact('rel.flowBudget', { from: A, to: B, epoch: 2, limit: 50, spent: 0 }),
      b.fact('rel.flowBudget', { from: B, to: A, epoch: 1, limit: 10, spent: 1 }),
    ]);
    expect(flowBudgetOf(st, A, B, 1)).toEqual({ limit: 80, spent: 30, epoch: 1 });
    expect(flowBudgetOf(st, A, B, 2)).toEqual({ limit: 50, spent: 0, epoch: 2 });
    expect(flowBudgetOf(st, B, A, 1)).toEqual({ limit: 10, spent: 1, epoch: 1 });
    expect(flowBudgetOf(st, B, A, 2)).toBeUndefined();
    expect(listFlowBudgets(st).map((e) => [e.from, e.to, e.budget.epoch])).toEqual([
      [A, B, 1],
      [A, B, 2],
      [B, A, 1],
    ]);
  });

  it('keeps every binding, keyed by FactId and listed in fact order', () => {
    const a = writer('bind-a', A);
    const b = writer('bind-b', B);
    const f1 = a.fact('rel.binding', { bindingType: 'contact', authorities: [A, B] });
    const f2 = b.at(10).fact('rel.binding', { bindingType: 'guardian', authorities: [B], data: new Uint8Array([1, 2, 255]) });
    const f3 = a.at(20).fact('rel.binding', { bindingType: 'contact', authorities: [A, B] });
    const st = reduce([f3, f2, f1, f2]);
    const list = listBindings(st);
    expect(list.map((x) => x.stamp.id)).toEqual([f1.id, f2.id, f3.id]);
    expect(list[1]).toMatchObject({ author: B, bindingType: 'guardian', authorities: [B], data: '0102ff' });
    expect(list[0]!.data).toBeNull();
  });

  it('keeps the first receipt by fact order per (envelope, authority)', () => {
    const a = writer('rc-a', A);
    const b = writer('rc-b', B);
    const first = a.fact('receipt.rendezvous', { envelopeId: envelope(1), authority: A, timestamp: 100, signature: sig(1) });
    const second = b.at(5).fact('receipt.rendezvous', { envelopeId: envelope(1), authority: A, timestamp: 50, signature: sig(2) });
    const other = b.fact('receipt.rendezvous', { envelopeId: envelope(1), authority: B, timestamp: 60, signature: sig(3) });
    const st = reduce([second, other, first]);
    expect(receiptOf(st, envelope(1), A)).toMatchObject({ timestamp: 100, signature: '01'.repeat(64), stamp: { id: first.id } });
    expect(receiptOf(st, envelope(1), B)?.timestamp).toBe(60);
    expect(receiptOf(st, envelope(2), A)).toBeUndefined();
    expect(relationalReducer.canonical(st).receipts.map((r) => [r.envelopeId, r.authority])).toEqual([
      ['01'.repeat(32), A],
      ['01'.repeat(32), B],
    ]);
  });

  it('ignores kinds it does not own', () => {
    const chatWriter = writer('foreign', A);
    const channel = chatWriter.fact('chat.channel', { name: 'general' });
    const st = reduce([channel, chatWriter.fact('chat.message', { channel: channel.id, text: 'hi', ack: false })]);
    expect(relationalReducer.canonical(st)).toEqual({ bindings: [], flowBudgets: [], channelEpochs: [], receipts: [], forwards: [] });
  });
});

/** Every rule exercised with conflicts: concurrent policies and commits, gaps, jumps, duplicates. */
function relationalPool(): ValidatedFact[] {
  const ws = [writer('pool-0', A), writer('pool-1', B), writer('pool-2', C), writer('pool-3', A)];
  const w = (i: number) => ws[i % ws.length]!;
  const out: ValidatedFact[] = [];
  let wall = 1_800_000_000_000;
  const round = () => concurrent(ws, (wall += 10));
  for (const channel of ['ch-1', 'ch-2']) {
    round();
    out.push(
      w(0).fact('amp.checkpoint', { channel, chanEpoch: 0, generation: 100 }),
      w(1).fact('amp.checkpoint', { channel, chanEpoch: 1, generation: 3000 }),
      w(2).fact('amp.checkpoint', { channel, chanEpoch: 2, generation: 5000 }),
      w(3).fact('amp.checkpoint', { channel, chanEpoch: 0, generation: 4000 }),
    );
    for (let parent = 0; parent < 4; parent++) {
      round();
      out.push(
        w(0).fact('amp.proposedBump', { channel, parentEpoch: parent, newEpoch: parent + 1, bumpId: `p${parent}-x` }),
        w(1).fact('amp.proposedBump', { channel, parentEpoch: parent, newEpoch: parent + 1, bumpId: `p${parent}-y` }),
        w(2).fact('amp.proposedBump', { channel, parentEpoch: parent, newEpoch: parent + 1, bumpId: `p${parent}-x` }),
        w(3).fact('amp.proposedBump', { channel, parentEpoch: parent, newEpoch: parent + 2, bumpId: `p${parent}-jump` }),
      );
    }
    round();
    out.push(
      w(0).fact('amp.committedBump', { channel, parentEpoch: 0, newEpoch: 1, chosenBumpId: 'p0-x' }),
      w(1).fact('amp.committedBump', { channel, parentEpoch: 0, newEpoch: 1, chosenBumpId: 'p0-y' }),
      w(2).fact('amp.committedBump', { channel, parentEpoch: 1, newEpoch: 2, chosenBumpId: 'p1-y' }),
      w(3).fact('amp.committedBump', { channel, parentEpoch: 2, newEpoch: 3, chosenBumpId: 'p2-x' }),
    );
    round();
    out.push(
      w(0).fact('amp.committedBump', { channel, parentEpoch: 4, newEpoch: 5, chosenBumpId: 'gap' }),
      w(1).fact('amp.committedBump', { channel, parentEpoch: 1, newEpoch: 3, chosenBumpId: 'jump' }),
      w(2).fact('amp.committedBump', { channel, parentEpoch: 3, newEpoch: 4, chosenBumpId: 'p3-y' }),
    );
    round();
    out.push(
      w(0).fact('amp.policy', { channel, skipWindow: 16 }),
      w(1).fact('amp.policy', { channel, skipWindow: 64 }),
      w(2).fact('amp.policy', { channel, skipWindow: 2048 }),
      w(3).at(1).fact('amp.policy', { channel, skipWindow: 512 }),
    );
  }
  round();
  for (const [i, [from, to, epoch, limit, spent]] of [
    [A, B, 1, 100, 10],
    [A, B, 1, 80, 5],
    [A, B, 1, 120, 30],
    [A, B, 2, 50, 0],
    [B, A, 1, 10, 1],
    [B, A, 1, 10, 7],
  ].entries()) {
    out.push(w(i).fact('rel.flowBudget', { from: from as string, to: to as string, epoch: epoch as number, limit: limit as number, spent: spent as number }));
  }
  round();
  out.push(
    w(0).fact('rel.binding', { bindingType: 'contact', authorities: [A, B] }),
    w(1).fact('rel.binding', { bindingType: 'contact', authorities: [A, B] }),
    w(2).fact('rel.binding', { bindingType: 'guardian', authorities: [C], data: new Uint8Array([7]) }),
  );
  round();
  out.push(
    w(0).fact('receipt.rendezvous', { envelopeId: envelope(1), authority: A, timestamp: 1, signature: sig(1) }),
    w(1).fact('receipt.rendezvous', { envelopeId: envelope(1), authority: A, timestamp: 2, signature: sig(2) }),
    w(2).fact('receipt.rendezvous', { envelopeId: envelope(1), authority: B, timestamp: 3, signature: sig(3) }),
    w(3).fact('receipt.rendezvous', { envelopeId: envelope(2), authority: A, timestamp: 4, signature: sig(4) }),
  );
  return out;
}

/** A random subset in random order, plus some of its facts again (delivery may repeat). */
const withRepeats = (pool: ValidatedFact[]) => fc.shuffledSubarray(pool).chain((facts) => fc.tuple(fc.constant(facts), fc.shuffledSubarray(facts)));

describe('order independence', () => {
  const pool = relationalPool();

  it('pool facts are valid facts', () => {
    for (const f of pool) expect(validateFact(f.bytes).id).toBe(f.id);
  });

  it('the full pool reduces to the expected AMP state', () => {
    const s = channelEpochState(reduce(pool), 'ch-1')!;
    // 0→1 (twice, concurrently), 1→2, 2→3, 3→4, 4→5; the 1→3 jump is not a chain step.
    expect(s.chanEpoch).toBe(5);
    expect(s.checkpointEpoch).toBe(2);
    expect(s.currentGeneration).toBe(5000);
    expect(s.skipWindow).toBe(512);
    expect(s.pendingBumps).toEqual([]);
    expect(s.pruningBoundary).toBe(5000 - 1024 - 256);
  });

  it('any subset in any order, with duplicates, reduces to the same canonical bytes', () => {
    fc.assert(
      fc.property(withRepeats(pool), ([facts, repeats]) => {
        const reference = reduce([...facts].sort((x, y) => compareStrings(x.id, y.id)));
        const shuffled = reduce([...facts, ...repeats]);
        expect(bytesOf(shuffled)).toEqual(bytesOf(reference));
        for (const ch of ['ch-1', 'ch-2']) {
          expect(channelEpochState(shuffled, ch)).toEqual(channelEpochState(reference, ch));
          expect(channelPruningBoundary(shuffled, ch)).toBe(channelPruningBoundary(reference, ch));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('splitting a fact set in two and reducing the union in any interleaving agrees', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(pool), fc.shuffledSubarray(pool), (xs, ys) => {
        const union = [...new Map([...xs, ...ys].map((f) => [f.id, f])).values()];
        expect(bytesOf(reduce([...xs, ...ys]))).toEqual(bytesOf(reduce([...ys, ...xs])));
        expect(bytesOf(reduce([...ys, ...xs]))).toEqual(bytesOf(reduce(union.reverse())));
      }),
      { numRuns: 200 },
    );
  });
});
