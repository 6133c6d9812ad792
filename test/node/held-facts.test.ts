import { describe, expect, it } from 'vitest';
import { contextNamespace, type ChannelId, type ContextId } from '../../src/core/ids.ts';
import { HeldFacts } from '../../src/node/host/held-facts.ts';
import { Adversary } from '../support/adversary.ts';

const CONTEXT = 'ctx-held' as ContextId;
const ns = contextNamespace(CONTEXT);
const CH = 'ch' as ChannelId;

describe('HeldFacts', () => {
  it("an author's flood beyond the bound evicts only that author's newest facts", () => {
    const held = new HeldFacts(10, 'overflow');
    const drops: string[] = [];
    const newcomer = new Adversary('held-newcomer');
    const flooder = new Adversary('held-flooder');
    const early = [0, 1, 2].map((i) => newcomer.message(ns, CH, `early ${i}`, { wall: 1_000 + i, logical: 0 }));
    held.add(CONTEXT, early, (r) => drops.push(r));
    const flood = Array.from({ length: 25 }, (_, i) => flooder.message(ns, CH, `flood ${i}`, { wall: 500 + i, logical: 0 }));
    held.add(CONTEXT, flood, (r) => drops.push(r));
    expect(drops).toEqual(Array(18).fill('overflow'));
    expect(held.count(CONTEXT)).toBe(10);
    for (const f of early) expect(held.has(CONTEXT, f.id)).toBe(true);
    // The flooder keeps its oldest seven.
    expect(flood.filter((f) => held.has(CONTEXT, f.id)).map((f) => f.fact.time.wall)).toEqual([500, 501, 502, 503, 504, 505, 506]);
  });

  it('eviction does not depend on the order facts arrived in', () => {
    const a = new Adversary('held-a');
    const b = new Adversary('held-b');
    const facts = [...Array.from({ length: 6 }, (_, i) => a.message(ns, CH, `a${i}`)), ...Array.from({ length: 6 }, (_, i) => b.message(ns, CH, `b${i}`))];
    const kept = (order: typeof facts) => {
      const held = new HeldFacts(7, 'overflow');
      for (const f of order) held.add(CONTEXT, [f], () => undefined);
      return held.list(CONTEXT).map((f) => f.id);
    };
    expect(kept([...facts].reverse())).toEqual(kept(facts));
    expect(kept(facts)).toHaveLength(7);
  });
});
