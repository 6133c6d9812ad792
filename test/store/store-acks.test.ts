import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
    store.close();
  });
});
