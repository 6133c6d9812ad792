import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acknowledgmentOf, joinAcknowledgment, type Acknowledgment } from '../../src/core/consistency/acknowledgment.ts';
import { gcAckTracking, planAckGc, type AckStore, type FactWithConsistency, type TrackedAck } from '../../src/core/consistency/ack-gc.ts';
import type { Agreement } from '../../src/core/consistency/agreement.ts';
import { initialConsistency, type Consistency } from '../../src/core/consistency/consistency.ts';
import { standardPolicyRegistry, type PolicyContext } from '../../src/core/consistency/delivery-policy.ts';
import { ceremony, OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

/** Test double of the ack storage interface; the real one is the IndexedDB store. */
class MemoryAckStore implements AckStore {
  readonly dropCalls: FactId[][] = [];
  constructor(readonly acks: Map<FactId, Acknowledgment>) {}
  async trackedFactIds(): Promise<readonly FactId[]> {
    return [...this.acks.keys()];
  }
  async acknowledgment(id: FactId): Promise<Acknowledgment | undefined> {
    return this.acks.get(id);
  }
  async dropTracking(ids: readonly FactId[]): Promise<void> {
    this.dropCalls.push([...ids]);
    for (const id of ids) this.acks.delete(id);
  }
}

const ns = contextNamespace('ctx-gc');
const ctx: PolicyContext = { membersOf: (n) => (n === ns ? ['alice', 'bob', 'carol'] : []) };
const w = new Writer(deviceKey('alice'), 'alice', ns);
const channel = w.fact('chat.channel', { name: 'general' });
const msgAcked = w.fact('chat.message', { channel: channel.id, text: 'one', ack: true });
const msgPartial = w.fact('chat.message', { channel: channel.id, text: 'two', ack: true });
const start = w.fact('ceremony.start', { ceremonyKind: 'addContact', participants: ['alice', 'bob'], threshold: 2, prestateHash: 'ab'.repeat(32) });
const startOpen = w.fact('ceremony.start', { ceremonyKind: 'createGroup', participants: ['alice', 'bob'], threshold: 2, prestateHash: 'cd'.repeat(32) });
const binding = w.fact('rel.binding', { bindingType: 'contact', authorities: ['alice', 'bob'] });
const bindingFinalOnly = w.fact('rel.binding', { bindingType: 'guardian', authorities: ['alice', 'carol'] });
const vote = w.fact('proposal.vote', { proposal: channel.id, approve: true });

const FINAL: Agreement = { level: 'Finalized', consensusId: 'k' };
const SAFE: Agreement = { level: 'SoftSafe', cert: null };
const both = acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }, { peer: 'carol', ackedAt: 2 }]);
const bobOnly = acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }]);
const carolOnly = acknowledgmentOf([{ peer: 'carol', ackedAt: 3 }]);

function entry(fact: ValidatedFact, agreement: Agreement, ack: Acknowledgment | null): FactWithConsistency {
  const category = fact.fact.kind.startsWith('ceremony.') ? ceremony(fact.id) : OPTIMISTIC;
  return { fact, consistency: { ...initialConsistency(category, true), agreement, acknowledgment: ack } };
}

describe('ack GC', () => {
  // fact, its journal-side consistency, the store's acks, whether the policy allows dropping
  const cases: [string, FactWithConsistency, Acknowledgment, boolean][] = [
    ['message acked by every other member', entry(msgAcked, { level: 'Provisional' }, null), both, true],
    ['message missing carol', entry(msgPartial, FINAL, null), bobOnly, false],
    ['finalized ceremony start, no acks', entry(start, FINAL, null), acknowledgmentOf([]), true],
    ['fully acked ceremony start, not finalized', entry(startOpen, SAFE, null), both, false],
    ['binding finalized and acked (acks split between journal and store)', entry(binding, FINAL, carolOnly), bobOnly, true],
    ['binding finalized, not fully acked', entry(bindingFinalOnly, FINAL, null), bobOnly, false],
    ['vote provisional though fully acked', entry(vote, { level: 'Provisional' }, null), both, false],
  ];
  const known = new Map(cases.map(([, e]) => [e.fact.id, e]));
  const unknownId = 'bafyunknownfact';
  const tracked: TrackedAck[] = [...cases.map(([, e, ack]) => ({ factId: e.fact.id, acknowledgment: ack })), { factId: unknownId, acknowledgment: both }];
  const wantDropped = cases.filter(([, , , drop]) => drop).map(([, e]) => e.fact.id).sort();
  const wantRetained = [...cases.filter(([, , , drop]) => !drop).map(([, e]) => e.fact.id), unknownId].sort();

  it('plans exactly the facts whose policy allows dropping', () => {
    expect(planAckGc(tracked, (id) => known.get(id), standardPolicyRegistry(), ctx)).toEqual(wantDropped);
    expect(wantDropped).toHaveLength(3);
  });

  it('the plan does not depend on the order of tracked entries', () => {
    expect(planAckGc([...tracked].reverse(), (id) => known.get(id), standardPolicyRegistry(), ctx)).toEqual(wantDropped);
  });

  it('drops through the store in one batch and keeps everything else', async () => {
    const store = new MemoryAckStore(new Map(tracked.map((t) => [t.factId, t.acknowledgment])));
    const result = await gcAckTracking(store, (id) => known.get(id), standardPolicyRegistry(), ctx);
    expect(result).toEqual({ dropped: wantDropped, retained: wantRetained });
    expect(store.dropCalls).toEqual([wantDropped]);
    expect([...store.acks.keys()].sort()).toEqual(wantRetained);
  });

  it('does not touch the store when nothing is droppable', async () => {
    const store = new MemoryAckStore(new Map([[msgPartial.id, bobOnly]]));
    const result = await gcAckTracking(store, (id) => known.get(id), standardPolicyRegistry(), ctx);
    expect(result).toEqual({ dropped: [], retained: [msgPartial.id] });
    expect(store.dropCalls).toEqual([]);
  });

  it('on random states, drops exactly the facts the registered policy approves', async () => {
    const facts = [msgAcked, msgPartial, start, startOpen, binding, bindingFinalOnly, vote];
    const arbAgreement = fc.constantFrom<Agreement>({ level: 'Provisional' }, SAFE, FINAL);
    const arbAck = fc.subarray(['bob', 'carol', 'mallory']).map((ps) => acknowledgmentOf(ps.map((peer, i) => ({ peer, ackedAt: i }))));
    const arbState = fc.record({ agreement: arbAgreement, journalAck: fc.option(arbAck, { nil: null }), storeAck: arbAck, tracked: fc.boolean() });
    const registry = standardPolicyRegistry();
    await fc.assert(
      fc.asyncProperty(fc.array(arbState, { minLength: facts.length, maxLength: facts.length }), async (states) => {
        const lookup = new Map<FactId, FactWithConsistency>();
        const acks = new Map<FactId, Acknowledgment>();
        const want: FactId[] = [];
        facts.forEach((f, i) => {
          const s = states[i]!;
          const e = entry(f, s.agreement, s.journalAck);
          lookup.set(f.id, e);
          if (!s.tracked) return;
          acks.set(f.id, s.storeAck);
          const merged: Consistency = { ...e.consistency, acknowledgment: s.journalAck === null ? s.storeAck : joinAcknowledgment(s.journalAck, s.storeAck) };
          const policy = registry.getPolicy(f);
          if (policy.shouldDropTracking(merged, policy.expectedPeers(f, ctx))) want.push(f.id);
        });
        const store = new MemoryAckStore(acks);
        const trackedIds = [...acks.keys()].sort();
        const result = await gcAckTracking(store, (id) => lookup.get(id), registry, ctx);
        expect(result.dropped).toEqual(want.sort());
        expect(result.retained).toEqual(trackedIds.filter((id) => !want.includes(id)));
        expect([...store.acks.keys()].sort()).toEqual(result.retained);
      }),
      { numRuns: 200 },
    );
  });
});
