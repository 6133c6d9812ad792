import { describe, expect, it } from 'vitest';
import { createFact } from '../../src/core/facts/create.ts';
import type { BodyOf } from '../../src/core/facts/kinds/index.ts';
import { authorityNamespace, type FactId } from '../../src/core/ids.ts';
import type { AuraNode } from '../../src/node/aura-node.ts';
import { Adversary, dropped } from '../support/adversary.ts';
import { deviceKey } from '../support/fixtures.ts';
import { MemoryBus, peerOn } from '../support/node-net.ts';

type Body = BodyOf<'maint.cacheInvalidated'>;
const EVERYTHING: Body = { keys: ['acks/summaries', 'sync/reached'], epochFloor: 1_000 };

/** A doctored ack summary the node would discard at any floor it counted (stamped 0). */
async function staleSummary(node: AuraNode): Promise<FactId> {
  const factId = 'bafy-doctored' as FactId;
  await node.deps.store.appendFacts([], { trackAcks: [{ factId, expected: ['someone'] }] });
  await node.deps.store.dropTracking([factId], [], 0);
  return factId;
}

/** Nothing moved: no floor counted, the stale summary and the sync reach record are where they were. */
async function nothingInvalidated(node: AuraNode, summary: FactId): Promise<void> {
  await node.caches.idle();
  expect(node.caches.view()!.caches.map((c) => [c.floor, c.discarded])).toEqual([
    [null, 0],
    [null, 0],
  ]);
  expect((await node.deps.store.ackSummaries()).map((s) => s.factId)).toContain(summary);
}

describe('attacks on cache invalidation', () => {
  it('a CacheInvalidated fact from another authority, carried into ours, is refused typed and invalidates nothing', async () => {
    const laptop = await peerOn(new MemoryBus(), 'laptop');
    const summary = await staleSummary(laptop.node);
    const authority = laptop.node.identity()!.authorityId;
    const mallory = new Adversary('cache-mallory');
    const foreign = mallory.fact(authorityNamespace(authority), 'maint.cacheInvalidated', EVERYTHING);
    const r = await laptop.node.ingest(authority, [foreign.bytes]);
    expect(r).toMatchObject({ stored: 0, refused: 1 });
    expect(dropped(laptop, 'invalid-fact:WrongNamespace')).toBe(1);
    await nothingInvalidated(laptop.node, summary);
  });

  it('one signed as our authority by a device that is not of its tree never counts: held, and invalidates nothing', async () => {
    const laptop = await peerOn(new MemoryBus(), 'laptop');
    const summary = await staleSummary(laptop.node);
    const authority = laptop.node.identity()!.authorityId;
    const forged = createFact(deviceKey('cache-forger'), { ns: authorityNamespace(authority), kind: 'maint.cacheInvalidated', author: authority, time: laptop.node.tick(), body: EVERYTHING });
    const r = await laptop.node.ingest(authority, [forged.bytes]);
    expect(r).toMatchObject({ stored: 0, held: 1 });
    expect(laptop.node.journals.get(authorityNamespace(authority))!.state.maintenance.cacheFloors.size).toBe(0);
    await nothingInvalidated(laptop.node, summary);
  });

  it('a malformed or huge keys list, even signed by our own device, is refused typed (Malformed) and invalidates nothing', async () => {
    const laptop = await peerOn(new MemoryBus(), 'laptop');
    const summary = await staleSummary(laptop.node);
    const authority = laptop.node.identity()!.authorityId;
    const bodies: unknown[] = [
      { keys: [], epochFloor: 1 },
      { keys: Array.from({ length: 257 }, (_, i) => `k${i}`), epochFloor: 1 },
      { keys: ['x'.repeat(257)], epochFloor: 1 },
      { keys: [''], epochFloor: 1 },
      { keys: [7], epochFloor: 1 },
      { keys: 'acks/summaries', epochFloor: 1 },
      { keys: ['acks/summaries'], epochFloor: -1 },
      { keys: ['acks/summaries'] },
      { keys: ['acks/summaries'], epochFloor: 1, extra: true },
    ];
    const facts = bodies.map((body) => createFact(laptop.node.key, { ns: authorityNamespace(authority), kind: 'maint.cacheInvalidated', author: authority, time: laptop.node.tick(), body: body as Body }));
    const r = await laptop.node.ingest(authority, facts.map((f) => f.bytes));
    expect(r).toMatchObject({ stored: 0, refused: bodies.length });
    expect(dropped(laptop, 'invalid-fact:Malformed') + dropped(laptop, 'invalid-fact:TooLarge')).toBe(bodies.length);
    await nothingInvalidated(laptop.node, summary);
  });
});
