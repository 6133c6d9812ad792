import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { gcAckTracking, type FactWithConsistency } from '../../src/core/consistency/ack-gc.ts';
import { acknowledgmentOf } from '../../src/core/consistency/acknowledgment.ts';
import { initialConsistency } from '../../src/core/consistency/consistency.ts';
import { standardPolicyRegistry, type PolicyContext } from '../../src/core/consistency/delivery-policy.ts';
import { OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import type { StoredAck } from '../../src/store/schema.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('acks');
const w = new Writer(deviceKey('alice'), 'alice', ns);
const channel = w.fact('chat.channel', { name: 'general' });
const [m1, m2, m3] = [1, 2, 3].map((i) => w.fact('chat.message', { channel: channel.id, text: `m${i}`, ack: true })) as [ValidatedFact, ValidatedFact, ValidatedFact];

let n = 0;
async function tracked(...facts: ValidatedFact[]): Promise<AuraStore> {
  const store = await openStore(`acks-${n++}`, { factory: new IDBFactory() });
  await store.appendFacts([channel, ...facts], { trackAcks: facts.map((f) => ({ factId: f.id, expected: ['carol', 'bob'] })) });
  return store;
}

const ack = (factId: FactId, peer: string, ackedAt: number): StoredAck => ({ factId, peer, ackedAt });

describe('acks', () => {
  it('allAcks returns every stored ack in one read, for cold start', async () => {
    const store = await tracked(m1, m2);
    await store.putAcks([ack(m1.id, 'bob', 5), ack(m2.id, 'carol', 7), ack(m1.id, 'carol', 9)]);
    const all = await store.allAcks();
    expect(all).toHaveLength(3);
    expect(all).toEqual(expect.arrayContaining([ack(m1.id, 'bob', 5), ack(m2.id, 'carol', 7), ack(m1.id, 'carol', 9)]));
    store.close();
  });

  it('tracking is written with the facts, expected peers sorted; untracked facts have no acknowledgment', async () => {
    const store = await tracked(m1, m2);
    expect([...(await store.trackedFactIds())].sort()).toEqual([m1.id, m2.id].sort());
    expect(await store.expectedAcks(m1.id)).toEqual(['bob', 'carol']);
    expect(await store.acknowledgment(m1.id)).toEqual({ ackedBy: [] });
    expect(await store.acknowledgment(channel.id)).toBeUndefined();
    expect(await store.expectedAcks(channel.id)).toBeUndefined();
    store.close();
  });

  it('keeps the earliest ack per (fact, peer), reports the facts that changed, and is idempotent', async () => {
    const store = await tracked(m1, m2);
    expect(await store.putAcks([ack(m1.id, 'bob', 50), ack(m1.id, 'bob', 40), ack(m2.id, 'carol', 7)])).toEqual([m1.id, m2.id].sort());
    expect(await store.putAcks([ack(m1.id, 'bob', 60), ack(m2.id, 'carol', 7)])).toEqual([]);
    expect(await store.putAcks([ack(m1.id, 'bob', 30), ack(m1.id, 'carol', 90)])).toEqual([m1.id]);
    expect(await store.acknowledgment(m1.id)).toEqual(acknowledgmentOf([{ peer: 'bob', ackedAt: 30 }, { peer: 'carol', ackedAt: 90 }]));
    expect(await store.acknowledgment(m2.id)).toEqual(acknowledgmentOf([{ peer: 'carol', ackedAt: 7 }]));
    store.close();
  });

  it('any sequence of ack batches stores the same acknowledgment as acknowledgmentOf of all of them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ fact: fc.constantFrom(m1.id, m2.id), peer: fc.constantFrom('bob', 'carol', 'dave'), at: fc.nat(100) }), { maxLength: 6 }), { maxLength: 5 }),
        async (batches) => {
          const store = await tracked(m1, m2);
          for (const b of batches) await store.putAcks(b.map((r) => ack(r.fact, r.peer, r.at)));
          for (const id of [m1.id, m2.id]) {
            const records = batches.flat().filter((r) => r.fact === id).map((r) => ({ peer: r.peer, ackedAt: r.at }));
            expect(await store.acknowledgment(id)).toEqual(acknowledgmentOf(records));
          }
          store.close();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('acks of facts that are not tracked are not kept', async () => {
    const store = await tracked(m1);
    expect(await store.putAcks([ack(m3.id, 'bob', 1), ack(channel.id, 'bob', 1)])).toEqual([]);
    await store.appendFacts([m3], { trackAcks: [{ factId: m3.id, expected: ['bob'] }] });
    expect(await store.acknowledgment(m3.id)).toEqual({ ackedBy: [] });
    store.close();
  });

  it('dropTracking removes the tracking and the acks of exactly those facts, and later acks of them are ignored', async () => {
    const store = await tracked(m1, m2, m3);
    await store.putAcks([ack(m1.id, 'bob', 1), ack(m2.id, 'bob', 2), ack(m3.id, 'carol', 3)]);
    await store.dropTracking([m1.id, m3.id, m1.id]);
    expect(await store.trackedFactIds()).toEqual([m2.id]);
    expect(await store.acknowledgment(m1.id)).toBeUndefined();
    expect(await store.acknowledgment(m2.id)).toEqual(acknowledgmentOf([{ peer: 'bob', ackedAt: 2 }]));
    expect(await store.putAcks([ack(m1.id, 'carol', 5)])).toEqual([]);
    // Re-tracking a dropped fact starts from no acks: none of the old rows survived.
    await store.appendFacts([], { trackAcks: [{ factId: m1.id, expected: ['bob'] }] });
    expect(await store.acknowledgment(m1.id)).toEqual({ ackedBy: [] });
    await store.dropTracking([]);
    store.close();
  });

  it("is the AckStore of core's ack GC: fully acked facts are dropped, the rest retained", async () => {
    const store = await tracked(m1, m2);
    await store.putAcks([ack(m1.id, 'bob', 1), ack(m1.id, 'carol', 2), ack(m2.id, 'bob', 3)]);
    const ctx: PolicyContext = { membersOf: () => ['alice', 'bob', 'carol'] };
    const known = new Map<FactId, FactWithConsistency>(
      [m1, m2].map((f) => [f.id, { fact: f, consistency: { ...initialConsistency(OPTIMISTIC, true), acknowledgment: null } }]),
    );
    const result = await gcAckTracking(store, (id) => known.get(id), standardPolicyRegistry(), ctx);
    expect(result).toEqual({ dropped: [m1.id], retained: [m2.id] });
    expect(await store.trackedFactIds()).toEqual([m2.id]);
    expect(await store.acknowledgment(m1.id)).toBeUndefined();
    // What the policy settled on stays: the peers it expected and both acks.
    expect(await store.ackSummaries()).toEqual([{ factId: m1.id, expected: ['bob', 'carol'], ackedBy: [{ peer: 'bob', ackedAt: 1 }, { peer: 'carol', ackedAt: 2 }], epoch: 0 }]);
    store.close();
  });
});

describe('ack summaries: what ack GC leaves of a dropped fact', () => {
  it("core's ack GC settles on the join of stored acks and the fact's consistency, and the summary keeps it all", async () => {
    const store = await tracked(m1, m2);
    await store.putAcks([ack(m1.id, 'bob', 1), ack(m2.id, 'bob', 3)]);
    const ctx: PolicyContext = { membersOf: () => ['alice', 'bob', 'carol'] };
    const carolSeen = acknowledgmentOf([{ peer: 'carol', ackedAt: 2 }]);
    const known = new Map<FactId, FactWithConsistency>([
      [m1.id, { fact: m1, consistency: { ...initialConsistency(OPTIMISTIC, true), acknowledgment: carolSeen } }],
      [m2.id, { fact: m2, consistency: initialConsistency(OPTIMISTIC, true) }],
    ]);
    expect(await gcAckTracking(store, (id) => known.get(id), standardPolicyRegistry(), ctx)).toEqual({ dropped: [m1.id], retained: [m2.id] });
    expect(await store.ackSummaries()).toEqual([{ factId: m1.id, expected: ['bob', 'carol'], ackedBy: [{ peer: 'bob', ackedAt: 1 }, { peer: 'carol', ackedAt: 2 }], epoch: 0 }]);
    store.close();
  });

  const proto = globalThis.IDBObjectStore.prototype;
  const original = { put: proto.put, delete: proto.delete };
  afterEach(() => Object.assign(proto, original));

  /** Makes the k-th `method` call from now abort its transaction once it has succeeded (a tab killed mid-write). */
  function abortAfter(method: 'put' | 'delete', k: number): void {
    let calls = 0;
    const orig = original[method] as (...args: unknown[]) => IDBRequest;
    proto[method] = function (this: IDBObjectStore, ...args: unknown[]) {
      const request = orig.apply(this, args);
      if (++calls === k) request.addEventListener('success', () => this.transaction.abort());
      return request;
    } as never;
  }

  const settled = (factId: FactId, expected: string[], records: [string, number][]) => ({
    factId,
    expected,
    acknowledgment: acknowledgmentOf(records.map(([peer, ackedAt]) => ({ peer, ackedAt }))),
  });

  it("replaces tracking and acks by one summary: the policy's expected peers and every ack, each peer's earliest", async () => {
    const store = await tracked(m1, m2, m3);
    await store.putAcks([ack(m1.id, 'bob', 5), ack(m1.id, 'carol', 9), ack(m2.id, 'bob', 3), ack(m3.id, 'carol', 4)]);
    // The plan saw an earlier ack of bob's (from the journal side) and not carol's, stored after it was read.
    await store.dropTracking([m1.id], [settled(m1.id, ['bob', 'carol', 'dave'], [['bob', 4]])]);
    expect(await store.trackedFactIds()).toEqual([m2.id, m3.id].sort());
    expect(await store.acknowledgment(m1.id)).toBeUndefined();
    expect((await store.allAcks()).filter((a) => a.factId === m1.id)).toEqual([]);
    expect(await store.ackSummaries()).toEqual([{ factId: m1.id, expected: ['bob', 'carol', 'dave'], ackedBy: [{ peer: 'bob', ackedAt: 4 }, { peer: 'carol', ackedAt: 9 }], epoch: 0 }]);
    // Without a plan's description, the tracking's own expected peers and the stored acks make the summary.
    await store.dropTracking([m2.id]);
    const byFact = new Map((await store.ackSummaries()).map((x) => [x.factId, x]));
    expect(byFact.get(m2.id)).toEqual({ factId: m2.id, expected: ['bob', 'carol'], ackedBy: [{ peer: 'bob', ackedAt: 3 }], epoch: 0 });
    // Dropping again, or dropping a fact that was never tracked, writes nothing.
    await store.dropTracking([m1.id, channel.id], [settled(m1.id, [], [['zed', 1]]), settled(channel.id, ['bob'], [['bob', 1]])]);
    expect((await store.ackSummaries()).map((x) => x.factId).sort()).toEqual([m1.id, m2.id].sort());
    expect(byFact.get(m1.id)).toEqual((await store.ackSummaries()).find((x) => x.factId === m1.id));
    store.close();
  });

  for (const [method, k, when] of [
    ['put', 1, 'right after the summary was written'],
    ['delete', 1, 'after the tracking was deleted'],
    ['delete', 3, 'after the first fact was wholly dropped'],
  ] as const) {
    it(`a drop that dies ${when} leaves every fact with its tracking and acks, and no summary`, async () => {
      const store = await tracked(m1, m2);
      await store.putAcks([ack(m1.id, 'bob', 1), ack(m1.id, 'carol', 2), ack(m2.id, 'bob', 3)]);
      abortAfter(method, k);
      await expect(store.dropTracking([m1.id, m2.id], [settled(m1.id, ['bob', 'carol'], [])])).rejects.toMatchObject({ code: 'WriteFailed' });
      Object.assign(proto, original);
      expect(await store.ackSummaries()).toEqual([]);
      expect([...(await store.trackedFactIds())].sort()).toEqual([m1.id, m2.id].sort());
      expect(await store.acknowledgment(m1.id)).toEqual(acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }, { peer: 'carol', ackedAt: 2 }]));
      expect(await store.acknowledgment(m2.id)).toEqual(acknowledgmentOf([{ peer: 'bob', ackedAt: 3 }]));
      store.close();
    });
  }

  it('a late ack of a dropped fact is not kept, re-tracks nothing and leaves the summary as it was', async () => {
    const store = await tracked(m1);
    await store.putAcks([ack(m1.id, 'bob', 1), ack(m1.id, 'carol', 2)]);
    await store.dropTracking([m1.id], [settled(m1.id, ['bob', 'carol'], [])]);
    const summary = await store.ackSummaries();
    expect(await store.putAcks([ack(m1.id, 'dave', 3), ack(m1.id, 'bob', 0)])).toEqual([]);
    expect(await store.allAcks()).toEqual([]);
    expect(await store.trackedFactIds()).toEqual([]);
    expect(await store.ackSummaries()).toEqual(summary);
    store.close();
  });

  it('trackedAcknowledgments reads the acks of the tracked ones among the given facts, in one snapshot', async () => {
    const store = await tracked(m1, m2);
    await store.putAcks([ack(m1.id, 'bob', 1), ack(m1.id, 'bob', 0), ack(m2.id, 'carol', 2)]);
    const snap = await store.trackedAcknowledgments([m1.id, m1.id, m3.id, channel.id]);
    expect([...snap]).toEqual([[m1.id, acknowledgmentOf([{ peer: 'bob', ackedAt: 0 }])]]);
    expect(await store.trackedAcknowledgments([])).toEqual(new Map());
    store.close();
  });

  it('over any interleaving of acks and drops, a fact keeps either its tracking and acks or a summary of all acks it got while tracked', async () => {
    const facts = [m1.id, m2.id, m3.id];
    const op = fc.oneof(
      fc.record({ acks: fc.array(fc.record({ fact: fc.constantFrom(...facts), peer: fc.constantFrom('bob', 'carol', 'dave'), at: fc.nat(50) }), { maxLength: 5 }) }),
      fc.record({ drop: fc.subarray(facts) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 8 }), async (ops) => {
        const store = await tracked(m1, m2, m3);
        const model = new Map<FactId, { peer: string; ackedAt: number }[]>(facts.map((id) => [id, []]));
        const dropped = new Set<FactId>();
        for (const o of ops) {
          if ('acks' in o) {
            await store.putAcks(o.acks.map((r) => ack(r.fact, r.peer, r.at)));
            for (const r of o.acks) if (!dropped.has(r.fact)) model.get(r.fact)!.push({ peer: r.peer, ackedAt: r.at });
          } else {
            await store.dropTracking(o.drop);
            for (const id of o.drop) dropped.add(id);
          }
        }
        const summaries = new Map((await store.ackSummaries()).map((x) => [x.factId, x]));
        const snap = await store.trackedAcknowledgments(facts);
        for (const id of facts) {
          const want = acknowledgmentOf(model.get(id)!);
          if (dropped.has(id)) {
            expect(snap.has(id)).toBe(false);
            expect(summaries.get(id)).toEqual({ factId: id, expected: ['bob', 'carol'], ackedBy: want.ackedBy, epoch: 0 });
          } else {
            expect(summaries.has(id)).toBe(false);
            expect(snap.get(id)).toEqual(want);
          }
        }
        expect((await store.allAcks()).every((a) => !dropped.has(a.factId))).toBe(true);
        store.close();
      }),
      { numRuns: 60 },
    );
  });
});

describe('stale summaries (CacheInvalidated floors, spec 004 §3)', () => {
  it('drops stamp each summary with the epoch given; retrackStale discards those at or below the floor, tracks them again, keeps the rest', async () => {
    const store = await tracked(m1, m2, m3);
    await store.putAcks([ack(m1.id, 'bob', 1), ack(m2.id, 'bob', 2), ack(m3.id, 'bob', 3)]);
    await store.dropTracking([m1.id], [], 2);
    await store.dropTracking([m2.id], [], 3);
    expect(new Map((await store.ackSummaries()).map((s) => [s.factId, s.epoch]))).toEqual(new Map([[m1.id, 2], [m2.id, 3]]));
    // m3 has no summary (still tracked): nothing of it changes; m2 is stamped above the floor: kept.
    const entries = [m1, m2, m3].map((f) => ({ factId: f.id, expected: ['dave', 'bob'] }));
    expect(await store.retrackStale(entries, 2)).toEqual([m1.id]);
    expect((await store.ackSummaries()).map((s) => s.factId)).toEqual([m2.id]);
    expect(await store.expectedAcks(m1.id)).toEqual(['bob', 'dave']);
    expect(await store.acknowledgment(m1.id)).toEqual({ ackedBy: [] });
    expect(await store.acknowledgment(m3.id)).toEqual(acknowledgmentOf([{ peer: 'bob', ackedAt: 3 }]));
    // Again: nothing left at or below the floor.
    expect(await store.retrackStale(entries, 2)).toEqual([]);
    // A fact no longer known is forgotten, not tracked.
    expect(await store.retrackStale([{ factId: m2.id, expected: null }], 3)).toEqual([m2.id]);
    expect(await store.ackSummaries()).toEqual([]);
    expect(await store.expectedAcks(m2.id)).toBeUndefined();
    store.close();
  });
});
