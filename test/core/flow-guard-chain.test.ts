import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { validateFact } from '../../src/core/facts/validate.ts';
import { authorityNamespace, contextNamespace, type AuthorityId } from '../../src/core/ids.ts';
import type { MembershipView, Right } from '../../src/core/flow/capabilities.ts';
import { budgetKey, flowBudget, type FlowBudget } from '../../src/core/flow/flow-budget.ts';
import { runGuardChain } from '../../src/core/flow/guard-chain.ts';
import type { GuardResult } from '../../src/core/flow/guard-effects.ts';
import type { GuardState, SendRequest } from '../../src/core/flow/guard-input.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

function authority(label: string): AuthorityId {
  return createGenesis(deviceKey(label), new Uint8Array(16), { wall: 1, logical: 0 }, label).fact.author;
}

const CTX = 'ctx-chat';
const EPOCH = 5;
const LIMIT = 10;
const alice = authority('alice');
const bob = authority('bob');
const carol = authority('carol');
const dave = authority('dave');
const mallory = authority('mallory');
const aliceKey = deviceKey('alice');

const membership: MembershipView = {
  context: CTX,
  rights: new Map<AuthorityId, ReadonlySet<Right>>([
    [alice, new Set(['chat:send', 'chat:react'])],
    [bob, new Set(['chat:send'])],
    [carol, new Set(['chat:send'])],
    [dave, new Set<Right>()],
  ]),
};

const aliceWriter = new Writer(aliceKey, alice, contextNamespace(CTX));
const channel = aliceWriter.fact('chat.channel', { name: 'general' });
const message = aliceWriter.fact('chat.message', { channel: channel.id, text: 'hello', ack: false });

function request(over: Partial<SendRequest> = {}): SendRequest {
  return { context: CTX, sender: alice, device: aliceKey.deviceId, peers: [bob], cost: 1, right: 'chat:send', facts: [message], ...over };
}

function state(budgets: [AuthorityId, FlowBudget][] = [], over: Partial<GuardState> = {}): GuardState {
  const map = new Map(budgets.map(([peer, b]) => [budgetKey(CTX, peer, b.epoch), b] as const));
  return { membership, budgets: map, epoch: EPOCH, defaultLimit: LIMIT, ...over };
}

function failure(r: GuardResult) {
  expect(r.ok).toBe(false);
  expect('effects' in r).toBe(false);
  if (r.ok) throw new Error('unreachable');
  return r.error;
}

describe('guard chain: success', () => {
  it('commits the charged budget and the facts atomically, strictly before the send', () => {
    const r = runGuardChain(request({ facts: [channel, message], cost: 3 }), state([[bob, flowBudget(LIMIT, 4, EPOCH)]]));
    expect(r).toEqual({
      ok: true,
      effects: [
        {
          type: 'CommitAtomically',
          facts: [channel, message],
          budgets: [{ key: budgetKey(CTX, bob, EPOCH), peer: bob, budget: flowBudget(LIMIT, 7, EPOCH) }],
        },
        { type: 'Send', context: CTX, peers: [bob], factIds: [channel.id, message.id] },
      ],
    });
  });

  it('charges every recipient, in sorted order, and sends to each once', () => {
    const r = runGuardChain(request({ peers: [carol, bob, carol], cost: 2 }), state());
    if (!r.ok) throw new Error(r.error.code);
    const [commit, send] = r.effects;
    const sorted = [bob, carol].sort();
    expect(commit.budgets).toEqual(sorted.map((peer) => ({ key: budgetKey(CTX, peer, EPOCH), peer, budget: flowBudget(LIMIT, 2, EPOCH) })));
    expect(send).toEqual({ type: 'Send', context: CTX, peers: sorted, factIds: [message.id] });
  });

  it('gives the same result whatever the order of the peers', () => {
    const a = runGuardChain(request({ peers: [bob, carol, dave] }), state());
    const b = runGuardChain(request({ peers: [dave, bob, carol] }), state());
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
  });

  it('starts a fresh budget in a new epoch even when the previous one is exhausted', () => {
    const r = runGuardChain(request({ cost: 4 }), state([[bob, flowBudget(LIMIT, LIMIT, EPOCH - 1)]]));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.effects[0].budgets).toEqual([{ key: budgetKey(CTX, bob, EPOCH), peer: bob, budget: flowBudget(LIMIT, 4, EPOCH) }]);
  });

  it('with no recipients only commits: nothing is sent, so nothing is charged', () => {
    const r = runGuardChain(request({ peers: [] }), state());
    expect(r).toEqual({ ok: true, effects: [{ type: 'CommitAtomically', facts: [message], budgets: [] }] });
  });

  it('commits and sends a fact listed twice once', () => {
    const r = runGuardChain(request({ facts: [message, channel, message] }), state());
    if (!r.ok) throw new Error(r.error.code);
    expect(r.effects[0].facts).toEqual([message, channel]);
    expect(r.effects[1]?.factIds).toEqual([message.id, channel.id]);
  });
});

describe('CapGuard', () => {
  it('denies a sender that is not a member', () => {
    const malloryKey = deviceKey('mallory');
    const fact = new Writer(malloryKey, mallory, contextNamespace(CTX)).fact('chat.message', { channel: channel.id, text: 'hi', ack: false });
    const r = runGuardChain(request({ sender: mallory, device: malloryKey.deviceId, facts: [fact] }), state());
    expect(failure(r)).toEqual({ code: 'AuthorizationDenied', reason: 'NotMember', right: 'chat:send' });
  });

  it('denies a member that lacks the right', () => {
    const r = runGuardChain(request({ right: 'chat:admin' }), state());
    expect(failure(r)).toEqual({ code: 'AuthorizationDenied', reason: 'MissingRight', right: 'chat:admin' });
  });

  it('denies sending to a recipient outside the context, naming only that recipient', () => {
    const r = runGuardChain(request({ peers: [bob, mallory] }), state());
    expect(failure(r)).toEqual({ code: 'AuthorizationDenied', reason: 'PeerNotMember', right: 'chat:send', peer: mallory });
  });

  it('denies when the membership view is for another context', () => {
    const r = runGuardChain(request(), state([], { membership: { ...membership, context: 'ctx-other' } }));
    expect(failure(r)).toEqual({ code: 'AuthorizationDenied', reason: 'NotMember', right: 'chat:send' });
  });

  it('runs before FlowGuard: a non-member with no budget is denied, not told about budgets', () => {
    const r = runGuardChain(request({ right: 'chat:admin', cost: LIMIT + 1 }), state());
    expect(failure(r).code).toBe('AuthorizationDenied');
  });
});

describe('FlowGuard', () => {
  it('refuses a cost above the remaining budget, with the key, remaining and resume epoch', () => {
    const r = runGuardChain(request({ cost: 4 }), state([[bob, flowBudget(LIMIT, 7, EPOCH)]]));
    expect(failure(r)).toEqual({
      code: 'InsufficientBudget',
      key: budgetKey(CTX, bob, EPOCH),
      peer: bob,
      remaining: 3,
      cost: 4,
      resumeAtEpoch: EPOCH + 1,
    });
  });

  it('refuses a cost above the default limit of a fresh budget', () => {
    const r = runGuardChain(request({ cost: LIMIT + 1 }), state());
    expect(failure(r)).toMatchObject({ code: 'InsufficientBudget', remaining: LIMIT, resumeAtEpoch: EPOCH + 1 });
  });

  it('refuses the whole send when one recipient budget is too low, charging none', () => {
    const r = runGuardChain(request({ peers: [bob, carol], cost: 2 }), state([[carol, flowBudget(LIMIT, 9, EPOCH)]]));
    expect(failure(r)).toMatchObject({ code: 'InsufficientBudget', peer: carol, remaining: 1 });
  });

  it('runs before JournalCoupler: a low budget is reported even when the facts are also wrong', () => {
    const r = runGuardChain(request({ cost: LIMIT + 1, facts: [] }), state());
    expect(failure(r).code).toBe('InsufficientBudget');
  });
});

describe('JournalCoupler', () => {
  it('refuses an empty list of facts', () => {
    expect(failure(runGuardChain(request({ facts: [] }), state()))).toEqual({ code: 'JournalCommitFailed', reason: 'NoFacts' });
  });

  it("refuses a fact from another context's journal", () => {
    const other = new Writer(aliceKey, alice, contextNamespace('ctx-other')).fact('chat.channel', { name: 'x' });
    const r = runGuardChain(request({ facts: [message, other] }), state());
    expect(failure(r)).toEqual({ code: 'JournalCommitFailed', reason: 'WrongNamespace', factId: other.id });
  });

  it("refuses a fact from the sender's own authority journal", () => {
    const body = { proposalId: 'p1', targetEpoch: 1, digest: '00'.repeat(32), cut: { wall: 1, logical: 0 }, blobCid: 'b' };
    const own = new Writer(aliceKey, alice, authorityNamespace(alice)).fact('maint.snapshotProposed', body);
    expect(validateFact(own.bytes).id).toBe(own.id);
    const r = runGuardChain(request({ facts: [own] }), state());
    expect(failure(r)).toEqual({ code: 'JournalCommitFailed', reason: 'WrongNamespace', factId: own.id });
  });

  it('refuses a fact authored by another authority', () => {
    // Same device, so only the author differs.
    const forged = new Writer(aliceKey, bob, contextNamespace(CTX)).fact('chat.message', { channel: channel.id, text: 'hi', ack: false });
    const r = runGuardChain(request({ facts: [forged] }), state());
    expect(failure(r)).toEqual({ code: 'JournalCommitFailed', reason: 'AuthorMismatch', factId: forged.id });
  });

  it('refuses a fact signed by another device', () => {
    const other = new Writer(deviceKey('alice-phone'), alice, contextNamespace(CTX)).fact('chat.message', { channel: channel.id, text: 'hi', ack: false });
    const r = runGuardChain(request({ facts: [other] }), state());
    expect(failure(r)).toEqual({ code: 'JournalCommitFailed', reason: 'DeviceMismatch', factId: other.id });
  });
});

describe('charge-before-send over many sends', () => {
  it('never lets the spent amount exceed the limit, and every send follows its commit', () => {
    const peers = [bob, carol, dave];
    const send = fc.record({ peers: fc.subarray(peers), cost: fc.nat({ max: 6 }), epoch: fc.integer({ min: EPOCH, max: EPOCH + 2 }) });
    fc.assert(
      fc.property(fc.array(send, { maxLength: 25 }), (sends) => {
        const budgets = new Map<string, FlowBudget>();
        let epoch = EPOCH;
        for (const s of sends) {
          epoch = Math.max(epoch, s.epoch);
          const before = new Map(budgets);
          const r = runGuardChain(request({ peers: s.peers, cost: s.cost }), { membership, budgets, epoch, defaultLimit: LIMIT });
          if (!r.ok) {
            expect(r.error.code).toBe('InsufficientBudget');
            continue;
          }
          const [commit, out] = r.effects;
          expect(commit.type).toBe('CommitAtomically');
          expect(r.effects.length).toBe(s.peers.length === 0 ? 1 : 2);
          expect(out?.type ?? 'Send').toBe('Send');
          expect(commit.budgets.map((c) => c.peer)).toEqual(out?.peers ?? []);
          for (const c of commit.budgets) {
            const prior = before.get(c.key)?.spent ?? 0;
            expect(c.budget.spent).toBe(prior + s.cost);
            expect(c.budget.spent).toBeLessThanOrEqual(c.budget.limit);
            expect(c.budget.epoch).toBe(epoch);
            budgets.set(c.key, c.budget);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
