import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { Journal } from '../../src/core/journal/journal.ts';
import { namespaceReducer, type NamespaceState } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { authorityJournal, mixedFacts } from '../support/mixed-facts.ts';

/**
 * The core promise: identical fact sets give identical state, however the facts were split across
 * replicas, whatever order each replica saw them in, and in whatever order replicas merged. The pools
 * mix in unauthorized facts (non-members' messages, topics by non-creators, forged commits, aborts by
 * non-parties, facts from devices never in the tree): they must never change what queries see.
 */
const { context } = mixedFacts(400);
const authority = authorityJournal(30, 5);
const joins = context.filter((f) => f.fact.kind === 'rel.binding' && (f as ValidatedFact<'rel.binding'>).fact.body.bindingType === 'member');
const POOLS = [authority, context.slice(0, 180), [...joins, ...context.slice(180)]];
const bytesOf = (s: NamespaceState) => toHex(encodeCanonical(namespaceReducer.canonical(s)));
/** What queries read: everything but the gate's record of held and refused facts. */
const queriesOf = (s: NamespaceState) => toHex(encodeCanonical({ ...namespaceReducer.canonical(s), authz: null }));
const unauthorized = (s: NamespaceState) => new Set([...s.authz.refused.keys(), ...[...s.authz.held.values()].flatMap((m) => [...m.keys()])]);

interface Replica {
  journal: Journal;
  state: NamespaceState;
}

function replicaOf(facts: readonly ValidatedFact[], ns: ValidatedFact['fact']['ns']): Replica {
  const state = namespaceReducer.init();
  const journal = Journal.empty(ns);
  for (const f of facts) if (journal.insert(f)) namespaceReducer.apply(state, f);
  return { journal, state };
}

/** Anti-entropy in miniature: the receiver applies what it lacks, incrementally, in the order given. */
function absorb(into: Replica, from: Replica, order: (fs: ValidatedFact[]) => ValidatedFact[]): void {
  for (const f of order(into.journal.missingFrom(from.journal))) {
    into.journal.insert(f);
    namespaceReducer.apply(into.state, f);
  }
}

const scenario = fc
  .integer({ min: 0, max: POOLS.length - 1 })
  .chain((p) =>
    fc.record({
      pool: fc.constant(p),
      facts: fc.shuffledSubarray(POOLS[p]!, { minLength: 1 }),
      replicas: fc.integer({ min: 2, max: 4 }),
      seed: fc.integer(),
    }),
  )
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      // Each fact goes to at least one replica; bit i of the mask = replica i holds it.
      masks: fc.array(fc.integer({ min: 1, max: (1 << s.replicas) - 1 }), { minLength: s.facts.length, maxLength: s.facts.length }),
      mergeOrder: fc.shuffledSubarray([...Array(s.replicas).keys()], { minLength: s.replicas }),
      shuffle: fc.infiniteStream(fc.integer()),
    }),
  );

describe('order independence of the whole namespace reduction', () => {
  it('random replicas, random arrival orders, random merge orders: byte-identical state (1000 cases)', () => {
    fc.assert(
      fc.property(scenario, ({ s, masks, mergeOrder, shuffle }) => {
        const ns = s.facts[0]!.fact.ns;
        const it = shuffle[Symbol.iterator]();
        const order = (fs: ValidatedFact[]) => {
          const a = fs.slice();
          for (let i = a.length - 1; i > 0; i--) {
            const j = Math.abs(it.next().value as number) % (i + 1);
            [a[i], a[j]] = [a[j]!, a[i]!];
          }
          return a;
        };
        const replicas = [...Array(s.replicas).keys()].map((r) => replicaOf(order(s.facts.filter((_, i) => (masks[i]! >> r) & 1)), ns));
        const [first, ...rest] = mergeOrder.map((r) => replicas[r]!);
        for (const r of rest) absorb(first!, r, order);
        // And the reverse direction, so every replica ends with the full set too.
        for (const r of rest) absorb(r, first!, order);

        const fullState = reduceAll(namespaceReducer, [...s.facts].sort((a, b) => (a.id < b.id ? -1 : 1)));
        const full = bytesOf(fullState);
        for (const r of replicas) {
          expect(r.journal.size).toBe(s.facts.length);
          expect(bytesOf(r.state)).toBe(full);
        }
        // Without the facts that were held or refused, queries see exactly the same state.
        const out = unauthorized(fullState);
        expect(queriesOf(reduceAll(namespaceReducer, s.facts.filter((f) => !out.has(f.id))))).toBe(queriesOf(fullState));
      }),
      { numRuns: 1000 },
    );
  });

  it('the pools exercise conflicts: racing tree ops, AMP bumps, proposals and ceremonies', () => {
    const kinds = new Set(POOLS.flat().map((f) => f.fact.kind));
    for (const k of ['tree.op', 'amp.proposedBump', 'amp.committedBump', 'amp.policy', 'proposal.vote', 'ceremony.response', 'consensus.commit']) {
      expect(kinds.has(k as never), k).toBe(true);
    }
    const st = reduceAll(namespaceReducer, authority);
    const ops = authority.filter((f) => f.fact.kind === 'tree.op').length;
    expect(st.tree.applied.length).toBeGreaterThan(0);
    expect(st.tree.applied.length).toBeLessThan(ops);
  });

  it('the pools mix in every kind of unauthorized fact, and each is held or refused', () => {
    const byKind = (facts: ValidatedFact[]) => {
      const st = reduceAll(namespaceReducer, facts);
      const out = unauthorized(st);
      const kinds = new Map<string, number>();
      for (const f of facts) if (out.has(f.id)) kinds.set(f.fact.kind, (kinds.get(f.fact.kind) ?? 0) + 1);
      return { st, kinds };
    };
    const ctx = byKind(context);
    for (const k of ['chat.message', 'chat.topic', 'consensus.commit', 'ceremony.abort', 'ceremony.response', 'proposal.vote']) {
      expect(ctx.kinds.get(k), k).toBeGreaterThan(0);
    }
    expect([...ctx.st.authz.refused.values()]).toEqual(expect.arrayContaining(['MissingRight', 'NotCeremonyParty', 'NotVoter']));
    // Non-members' messages wait for a join that never comes; forged commits for a group key.
    expect([...ctx.st.authz.held.keys()].some((k) => k.startsWith('member:outsider-'))).toBe(true);
    expect(ctx.st.authz.held.get('group-key')?.size).toBeGreaterThan(0);
    const auth = byKind(authority);
    expect(auth.kinds.get('maint.cacheInvalidated')).toBeGreaterThan(0);
    expect(auth.st.maintenance.cacheFloors.size).toBeGreaterThan(0);
  });
});
