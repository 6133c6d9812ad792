import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../src/core/compare.ts';
import { acknowledgmentOf, EMPTY_ACKNOWLEDGMENT, type Acknowledgment } from '../../src/core/consistency/acknowledgment.ts';
import {
  gcAckTracking,
  planAckGc,
  planSettledTracking,
  type AckStore,
  type FactWithConsistency,
  type SettledTracking,
  type TrackedAck,
} from '../../src/core/consistency/ack-gc.ts';
import type { Agreement } from '../../src/core/consistency/agreement.ts';
import { initialConsistency } from '../../src/core/consistency/consistency.ts';
import { standardPolicyRegistry, type PolicyContext } from '../../src/core/consistency/delivery-policy.ts';
import { ceremony, OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

/**
 * Test double of the ack storage interface that behaves like the IndexedDB store: each dropTracking call is one
 * write that removes the acks and stores the summaries. Listing order and duplicates are configurable, since
 * the real store promises neither.
 */
class SummaryKeepingAckStore implements AckStore {
  readonly writes: { ids: FactId[]; settled: SettledTracking[] }[] = [];
  readonly summaries = new Map<FactId, SettledTracking>();
  constructor(
    readonly acks: Map<FactId, Acknowledgment>,
    private readonly listing: readonly FactId[] = [...acks.keys()],
  ) {}
  async trackedFactIds(): Promise<readonly FactId[]> {
    return this.listing;
  }
  async acknowledgment(id: FactId): Promise<Acknowledgment | undefined> {
    return this.acks.get(id);
  }
  async dropTracking(ids: readonly FactId[], settled: readonly SettledTracking[]): Promise<void> {
    this.writes.push({ ids: [...ids], settled: [...settled] });
    for (const id of ids) this.acks.delete(id);
    for (const s of settled) this.summaries.set(s.factId, s);
  }
}

const ns = contextNamespace('ctx-settled');
const soloNs = contextNamespace('ctx-solo');
// Duplicates and the author in the member list: the policy must still expect exactly bob and carol.
const ctx: PolicyContext = { membersOf: (n) => (n === ns ? ['carol', 'alice', 'bob', 'bob'] : n === soloNs ? ['alice'] : []) };
const w = new Writer(deviceKey('alice'), 'alice', ns);
const solo = new Writer(deviceKey('alice'), 'alice', soloNs);
const channel = w.fact('chat.channel', { name: 'general' });
const msg = (text: string): ValidatedFact => w.fact('chat.message', { channel: channel.id, text, ack: true });

const FINAL: Agreement = { level: 'Finalized', consensusId: 'k' };
const ack = (...records: [string, number][]): Acknowledgment => acknowledgmentOf(records.map(([peer, ackedAt]) => ({ peer, ackedAt })));

function entry(fact: ValidatedFact, journalAck: Acknowledgment | null, agreement: Agreement = { level: 'Provisional' }): FactWithConsistency {
  const category = fact.fact.kind.startsWith('ceremony.') ? ceremony(fact.id) : OPTIMISTIC;
  return { fact, consistency: { ...initialConsistency(category, true), agreement, acknowledgment: journalAck } };
}

function lookupOf(entries: readonly FactWithConsistency[]): (id: FactId) => FactWithConsistency | undefined {
  const m = new Map(entries.map((e) => [e.fact.id, e]));
  return (id) => m.get(id);
}

const byId = (ids: readonly FactId[]): FactId[] => [...ids].sort(compareStrings);

describe('planSettledTracking', () => {
  const registry = standardPolicyRegistry();

  it('a fully acked message is planned with the expected peers and the join of stored and journal acks', () => {
    const m = msg('acked');
    // bob acked earlier in the store than the journal knows; carol only in the journal; mallory is not expected.
    const journal = ack(['bob', 9], ['carol', 5]);
    const stored = ack(['bob', 4], ['mallory', 7]);
    const plan = planSettledTracking([{ factId: m.id, acknowledgment: stored }], lookupOf([entry(m, journal)]), registry, ctx);
    expect(plan).toEqual([
      {
        factId: m.id,
        expected: ['bob', 'carol'],
        acknowledgment: { ackedBy: [{ peer: 'bob', ackedAt: 4 }, { peer: 'carol', ackedAt: 5 }, { peer: 'mallory', ackedAt: 7 }] },
      },
    ]);
  });

  it('acks only in the store suffice when the journal tracks none', () => {
    const m = msg('store only');
    const stored = ack(['carol', 2], ['bob', 3]);
    const plan = planSettledTracking([{ factId: m.id, acknowledgment: stored }], lookupOf([entry(m, null)]), registry, ctx);
    expect(plan).toEqual([{ factId: m.id, expected: ['bob', 'carol'], acknowledgment: stored }]);
  });

  it('the policy judges the merged acks together with the rest of the consistency', () => {
    // rel.binding needs Finalized and fully acked: the agreement must survive the merge of acks.
    const b = w.fact('rel.binding', { bindingType: 'contact', authorities: ['alice', 'bob'] });
    const tracked = [{ factId: b.id, acknowledgment: ack(['bob', 1]) }];
    const final = planSettledTracking(tracked, lookupOf([entry(b, ack(['carol', 2]), FINAL)]), registry, ctx);
    expect(final).toEqual([{ factId: b.id, expected: ['bob', 'carol'], acknowledgment: ack(['bob', 1], ['carol', 2]) }]);
    expect(planSettledTracking(tracked, lookupOf([entry(b, ack(['carol', 2]))]), registry, ctx)).toEqual([]);
  });

  it('a partly acked message is not planned, even with acks from peers nobody expects', () => {
    const m = msg('partial');
    const plan = planSettledTracking([{ factId: m.id, acknowledgment: ack(['bob', 1], ['mallory', 2]) }], lookupOf([entry(m, ack(['bob', 3]))]), registry, ctx);
    expect(plan).toEqual([]);
  });

  it('a message with no acks at all is not planned while peers are expected', () => {
    const m = msg('silent');
    const tracked = [{ factId: m.id, acknowledgment: EMPTY_ACKNOWLEDGMENT }];
    expect(planSettledTracking(tracked, lookupOf([entry(m, null)]), registry, ctx)).toEqual([]);
    expect(planSettledTracking(tracked, lookupOf([entry(m, EMPTY_ACKNOWLEDGMENT)]), registry, ctx)).toEqual([]);
  });

  it('with no expected peers nothing is awaited, so a message with no acks is planned (documented in delivery-policy.ts)', () => {
    const m = solo.fact('chat.message', { channel: channel.id, text: 'alone', ack: true });
    const plan = planSettledTracking([{ factId: m.id, acknowledgment: EMPTY_ACKNOWLEDGMENT }], lookupOf([entry(m, null)]), registry, ctx);
    expect(plan).toEqual([{ factId: m.id, expected: [], acknowledgment: EMPTY_ACKNOWLEDGMENT }]);
  });

  it('tracking of a fact the lookup does not know is retained', () => {
    const m = msg('known');
    const full = ack(['bob', 1], ['carol', 1]);
    const tracked = [{ factId: 'bafyunknown', acknowledgment: full }, { factId: m.id, acknowledgment: full }];
    const plan = planSettledTracking(tracked, lookupOf([entry(m, null)]), registry, ctx);
    expect(plan.map((s) => s.factId)).toEqual([m.id]);
    expect(planAckGc(tracked, lookupOf([entry(m, null)]), registry, ctx)).toEqual([m.id]);
  });

  it('planAckGc is the ids of planSettledTracking, in the same order', () => {
    const facts = ['a', 'b', 'c', 'd'].map(msg);
    const full = ack(['bob', 1], ['carol', 1]);
    const tracked = facts.map((f, i) => ({ factId: f.id, acknowledgment: i % 2 === 0 ? full : ack(['bob', 1]) }));
    const lookup = lookupOf(facts.map((f) => entry(f, null)));
    const settled = planSettledTracking(tracked, lookup, registry, ctx);
    expect(settled).toHaveLength(2);
    expect(planAckGc(tracked, lookup, registry, ctx)).toEqual(settled.map((s) => s.factId));
  });

  it('on random states, the plan is sorted by FactId and identical for every order of the tracked list', () => {
    const facts = [...['p', 'q', 'r', 's', 't', 'u'].map(msg), w.fact('ceremony.start', { ceremonyKind: 'addContact', participants: ['alice', 'bob'], threshold: 2, prestateHash: 'ef'.repeat(32) })];
    // One entry per fact, as gcAckTracking passes it: with repeated ids the last entry's acks win, so order would leak.
    const ids = [...facts.map((f) => f.id), 'bafyunknown1', 'bafyunknown2'];
    const arbAck = fc
      .array(fc.record({ peer: fc.constantFrom('bob', 'carol', 'mallory'), ackedAt: fc.nat({ max: 20 }) }), { maxLength: 5 })
      .map((rs) => acknowledgmentOf(rs));
    const arbState = fc.record({
      tracked: fc.boolean(),
      storeAck: arbAck,
      journalAck: fc.option(arbAck, { nil: null }),
      agreement: fc.constantFrom<Agreement>({ level: 'Provisional' }, FINAL),
    });
    const arbCase = fc
      .array(arbState, { minLength: ids.length, maxLength: ids.length })
      .chain((states) => {
        const tracked: TrackedAck[] = ids.flatMap((factId, i) => (states[i]!.tracked ? [{ factId, acknowledgment: states[i]!.storeAck }] : []));
        return fc.tuple(fc.constant(states), fc.constant(tracked), fc.shuffledSubarray(tracked, { minLength: tracked.length, maxLength: tracked.length }));
      });
    fc.assert(
      fc.property(arbCase, ([states, tracked, shuffled]) => {
        const lookup = lookupOf(facts.map((f, i) => entry(f, states[i]!.journalAck, states[i]!.agreement)));
        const plan = planSettledTracking(tracked, lookup, registry, ctx);
        expect(planSettledTracking(shuffled, lookup, registry, ctx)).toEqual(plan);
        expect(planSettledTracking([...tracked].reverse(), lookup, registry, ctx)).toEqual(plan);
        const planned = plan.map((s) => s.factId);
        expect(planned).toEqual(byId([...new Set(planned)]));
        expect(planned.every((id) => !id.startsWith('bafyunknown'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('gcAckTracking with settled summaries', () => {
  const registry = standardPolicyRegistry();
  const full1 = msg('full one');
  const full2 = msg('full two');
  const partial = msg('partial');
  const vanished = msg('vanished');
  const lookup = lookupOf([entry(full1, ack(['carol', 6])), entry(full2, null), entry(partial, null), entry(vanished, null)]);

  it('drops every settled fact in one write with matching ids and summaries, and retains the rest', async () => {
    const acks = new Map<FactId, Acknowledgment>([
      [full1.id, ack(['bob', 2])],
      [full2.id, ack(['bob', 3], ['carol', 4])],
      [partial.id, ack(['carol', 1])],
      ['bafyunknown', ack(['bob', 1], ['carol', 1])],
    ]);
    // Unsorted listing (retained ids in descending order) with duplicates, and an id whose acks are gone by the
    // time they are read.
    const [hi, lo] = byId([partial.id, 'bafyunknown']).reverse() as [FactId, FactId];
    const listing = [hi, full2.id, vanished.id, full1.id, lo, partial.id, full2.id];
    const store = new SummaryKeepingAckStore(acks, listing);
    const result = await gcAckTracking(store, lookup, registry, ctx);

    const wantSettled = [
      { factId: full1.id, expected: ['bob', 'carol'], acknowledgment: ack(['bob', 2], ['carol', 6]) },
      { factId: full2.id, expected: ['bob', 'carol'], acknowledgment: ack(['bob', 3], ['carol', 4]) },
    ].sort((a, b) => compareStrings(a.factId, b.factId));
    const wantDropped = wantSettled.map((s) => s.factId);
    expect(result).toEqual({ dropped: wantDropped, retained: byId([partial.id, 'bafyunknown']) });
    expect(store.writes).toEqual([{ ids: wantDropped, settled: wantSettled }]);
    expect(byId([...store.acks.keys()])).toEqual(byId([partial.id, 'bafyunknown']));
    expect(byId([...store.summaries.keys()])).toEqual(wantDropped);
  });

  it('the write carries what planSettledTracking plans for the acks the store holds', async () => {
    const acks = new Map<FactId, Acknowledgment>([
      [full2.id, ack(['carol', 4], ['bob', 3])],
      [full1.id, ack(['bob', 2], ['carol', 8])],
    ]);
    const store = new SummaryKeepingAckStore(acks);
    const tracked = byId([...acks.keys()]).map((factId) => ({ factId, acknowledgment: acks.get(factId)! }));
    const planned = planSettledTracking(tracked, lookup, registry, ctx);
    const result = await gcAckTracking(store, lookup, registry, ctx);
    expect(store.writes).toEqual([{ ids: planned.map((s) => s.factId), settled: planned }]);
    expect(result).toEqual({ dropped: planned.map((s) => s.factId), retained: [] });
  });

  it('does not write when nothing is settled', async () => {
    const store = new SummaryKeepingAckStore(new Map([[partial.id, ack(['bob', 1])]]), [partial.id, vanished.id]);
    const result = await gcAckTracking(store, lookup, registry, ctx);
    expect(result).toEqual({ dropped: [], retained: [partial.id] });
    expect(store.writes).toEqual([]);
  });
});
