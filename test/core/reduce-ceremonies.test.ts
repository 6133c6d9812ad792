import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCeremonyInvariants, type CeremonyStatus } from '../../src/core/consistency/ceremony-status.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { BodyOf, FactKind } from '../../src/core/facts/kinds/index.ts';
import type { SupersessionReason } from '../../src/core/facts/kinds/ceremonies.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import {
  ceremoniesReducer,
  ceremonyConflicts,
  ceremonyStatus,
  invalidCeremonies,
  listCeremonies,
  type CeremoniesState,
} from '../../src/core/reduce/ceremonies.ts';
import { compareFacts } from '../../src/core/reduce/stamp.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const NS = contextNamespace('ceremonies-test');
const T0 = 1_700_000_000_000;
const NAMES = ['alice', 'bob', 'carol', 'dave'] as const;
type Name = (typeof NAMES)[number];
const writers = Object.fromEntries(NAMES.map((n) => [n, new Writer(deviceKey(`ceremonies-${n}`), `auth-${n}`, NS)])) as Record<Name, Writer>;
const auth = (n: Name) => writers[n].author;
const PRESTATE = 'cd'.repeat(32);

const cache = new Map<string, ValidatedFact>();
/** A signed fact by `who` whose HLC wall is exactly T0 + `t`. Deterministic, so memoized. */
function at<K extends FactKind>(who: Name, t: number, kind: K, body: BodyOf<K>): ValidatedFact<K> {
  const key = `${who}|${t}|${kind}|${JSON.stringify(body)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = writers[who].setWall(T0 + t - 1).fact(kind, body)));
  return f as ValidatedFact<K>;
}

function start(t: number, opts: { participants?: Name[]; threshold?: number; pendingEpoch?: number; kind?: string } = {}) {
  const body = {
    ceremonyKind: opts.kind ?? 'enrollDevice',
    participants: (opts.participants ?? ['alice', 'bob', 'carol']).map(auth),
    threshold: opts.threshold ?? 2,
    prestateHash: PRESTATE,
  };
  return at('alice', t, 'ceremony.start', opts.pendingEpoch === undefined ? body : { ...body, pendingEpoch: opts.pendingEpoch });
}
const respond = (who: Name, t: number, ceremony: FactId, accept: boolean) => at(who, t, 'ceremony.response', { ceremony, accept });
const commit = (who: Name, t: number, ceremony: FactId, consensusId = 'cons-1') => at(who, t, 'ceremony.commit', { ceremony, consensusId });
const abort = (who: Name, t: number, ceremony: FactId, reason = 'cancelled') => at(who, t, 'ceremony.abort', { ceremony, reason });
const supersede = (who: Name, t: number, ceremony: FactId, by: FactId, reason: SupersessionReason = 'NewerRequest') =>
  at(who, t, 'ceremony.supersede', { ceremony, by, reason });

const reduce = (facts: ValidatedFact[]) => reduceAll(ceremoniesReducer, facts);
const statusIn = (facts: ValidatedFact[], id: FactId) => ceremonyStatus(reduce(facts), id)!;
const stateIn = (facts: ValidatedFact[], id: FactId) => statusIn(facts, id).state;
/** Both apply orders, so every example also checks order independence. */
function stateBothWays(facts: ValidatedFact[], id: FactId) {
  const a = stateIn(facts, id);
  expect(stateIn([...facts].reverse(), id)).toEqual(a);
  return a;
}

describe('ceremony progress', () => {
  it('Preparing until k acceptances, then Committing', () => {
    const s = start(1);
    expect(stateIn([s], s.id)).toEqual({ type: 'Preparing' });
    expect(stateIn([s, respond('bob', 2, s.id, true)], s.id)).toEqual({ type: 'Preparing' });
    expect(stateBothWays([s, respond('bob', 2, s.id, true), respond('carol', 3, s.id, true)], s.id)).toEqual({ type: 'Committing' });
  });

  it('PendingEpoch counts acceptances towards k while an epoch is pending', () => {
    const s = start(1, { pendingEpoch: 7 });
    expect(stateIn([s], s.id)).toEqual({ type: 'PendingEpoch', pendingEpoch: 7, requiredResponses: 2, receivedResponses: 0 });
    expect(stateIn([s, respond('bob', 2, s.id, true), respond('carol', 3, s.id, false)], s.id)).toEqual({
      type: 'PendingEpoch',
      pendingEpoch: 7,
      requiredResponses: 2,
      receivedResponses: 1,
    });
    expect(stateIn([s, respond('bob', 2, s.id, true), respond('carol', 3, s.id, true)], s.id)).toEqual({ type: 'Committing' });
  });

  it('lists every participant with its first response, and carries prestate and threshold', () => {
    const s = start(1);
    const st = statusIn([s, respond('carol', 5, s.id, false), respond('carol', 6, s.id, true), respond('alice', 4, s.id, true)], s.id);
    expect(st.responses).toEqual([
      { participant: auth('alice'), response: 'Accepted', respondedAt: T0 + 4 },
      { participant: auth('bob'), response: 'Pending', respondedAt: null },
      { participant: auth('carol'), response: 'Rejected', respondedAt: T0 + 5 },
    ]);
    expect(st.prestateHash).toBe(PRESTATE);
    expect(st.threshold).toBe(2);
    expect(st.committedAgreement).toBeNull();
  });

  it("ignores responses from non-participants", () => {
    const s = start(1);
    const st = statusIn([s, respond('bob', 2, s.id, true), respond('dave', 3, s.id, true)], s.id);
    expect(st.state).toEqual({ type: 'Preparing' });
    expect(st.responses.map((r) => r.participant)).not.toContain(auth('dave'));
  });
});

describe('terminal states', () => {
  const s = start(1);
  const twoYes = [s, respond('bob', 2, s.id, true), respond('carol', 3, s.id, true)];

  it('a commit after k acceptances commits, Finalized by its consensus', () => {
    const st = statusIn([...twoYes, commit('alice', 4, s.id)], s.id);
    expect(st.state).toEqual({ type: 'Committed', consensusId: 'cons-1', committedAt: T0 + 4 });
    expect(st.committedAgreement).toEqual({ level: 'Finalized', consensusId: 'cons-1' });
  });

  it('a commit without k acceptances is ignored', () => {
    expect(stateBothWays([s, respond('bob', 2, s.id, true), commit('alice', 4, s.id)], s.id)).toEqual({ type: 'Preparing' });
  });

  it('a commit ordered before the k-th acceptance is ignored even once it arrives', () => {
    const facts = [s, respond('bob', 2, s.id, true), commit('alice', 3, s.id), respond('carol', 4, s.id, true)];
    expect(stateBothWays(facts, s.id)).toEqual({ type: 'Committing' });
  });

  it('explicit abort aborts with its reason and wall time', () => {
    expect(stateBothWays([s, respond('bob', 2, s.id, true), abort('bob', 5, s.id, 'changed my mind')], s.id)).toEqual({
      type: 'Aborted',
      reason: 'changed my mind',
      abortedAt: T0 + 5,
    });
  });

  it('rejections that leave fewer than k possible acceptances abort at the deciding rejection', () => {
    expect(stateIn([s, respond('bob', 2, s.id, false)], s.id)).toEqual({ type: 'Preparing' });
    const facts = [s, respond('bob', 2, s.id, false), respond('carol', 6, s.id, false), respond('alice', 9, s.id, true)];
    expect(stateBothWays(facts, s.id)).toEqual({ type: 'Aborted', reason: 'insufficient participants', abortedAt: T0 + 6 });
  });

  it('supersession records the newer ceremony and reason', () => {
    const newer = start(7, { kind: 'enrollDevice2' });
    expect(stateBothWays([s, newer, supersede('alice', 8, s.id, newer.id, 'PrestateStale')], s.id)).toEqual({
      type: 'Superseded',
      by: newer.id,
      reason: 'PrestateStale',
    });
  });

  it('the first valid terminal fact wins: never both committed and aborted', () => {
    const c = commit('alice', 4, s.id);
    const late = abort('bob', 5, s.id);
    expect(stateBothWays([...twoYes, c, late], s.id).type).toBe('Committed');
    const early = abort('bob', 4, s.id);
    const lateCommit = commit('alice', 5, s.id);
    const st = reduce([...twoYes, early, lateCommit]);
    expect(ceremonyStatus(st, s.id)!.state.type).toBe('Aborted');
    expect(ceremonyStatus(st, s.id)!.committedAgreement).toBeNull();
    expect(ceremonyConflicts(st)).toEqual([{ ceremonyId: s.id, commit: lateCommit.id, consensusId: 'cons-1', reason: 'CommitAfterTerminal' }]);
  });

  it('at most one commit per (ceremony, prestate): a second, different commit is a conflict', () => {
    const first = commit('alice', 4, s.id, 'cons-a');
    const second = commit('bob', 5, s.id, 'cons-b');
    const dup = commit('carol', 6, s.id, 'cons-a');
    const st = reduce([second, dup, ...twoYes, first]);
    expect(ceremonyStatus(st, s.id)!.state).toEqual({ type: 'Committed', consensusId: 'cons-a', committedAt: T0 + 4 });
    expect(ceremonyConflicts(st)).toEqual([{ ceremonyId: s.id, commit: second.id, consensusId: 'cons-b', reason: 'ConflictingCommit' }]);
  });
});

describe('invalid starts and the invariant checker', () => {
  it('k > n produces no ceremony and a typed invalid entry', () => {
    const bad = start(1, { participants: ['alice', 'bob'], threshold: 3 });
    const st = reduce([bad, respond('alice', 2, bad.id, true), respond('bob', 3, bad.id, true)]);
    expect(ceremonyStatus(st, bad.id)).toBeNull();
    expect(listCeremonies(st)).toEqual([]);
    expect(invalidCeremonies(st)).toEqual([{ startFact: bad.id, reason: { code: 'ThresholdExceedsParticipants', threshold: 3, participants: 2 } }]);
  });

  const ok: CeremonyStatus = {
    ceremonyId: 'x',
    state: { type: 'Committed', consensusId: 'c', committedAt: 1 },
    responses: [
      { participant: 'a', response: 'Accepted', respondedAt: 1 },
      { participant: 'b', response: 'Accepted', respondedAt: 1 },
      { participant: 'c', response: 'Pending', respondedAt: null },
    ],
    threshold: 2,
    prestateHash: PRESTATE,
    committedAgreement: { level: 'Finalized', consensusId: 'c' },
  };

  it('accepts a sound status and flags each broken invariant', () => {
    expect(checkCeremonyInvariants(ok)).toEqual([]);
    expect(checkCeremonyInvariants({ ...ok, threshold: 4 }).map((v) => v.code)).toContain('ThresholdExceedsParticipants');
    expect(checkCeremonyInvariants({ ...ok, threshold: 3, responses: ok.responses }).map((v) => v.code)).toEqual(['CommittedBelowThreshold']);
    expect(checkCeremonyInvariants({ ...ok, state: { type: 'Committing' }, threshold: 3, committedAgreement: null }).map((v) => v.code)).toEqual([
      'CommittingBelowThreshold',
    ]);
    expect(checkCeremonyInvariants({ ...ok, state: { type: 'Aborted', reason: 'r', abortedAt: 2 } }).map((v) => v.code)).toEqual(['AgreementWithoutCommit']);
    expect(checkCeremonyInvariants({ ...ok, committedAgreement: null }).map((v) => v.code)).toEqual(['CommitWithoutAgreement']);
  });
});

// ---- order independence and invariants over random histories ----

const nameArb = fc.constantFrom(...NAMES);
const scenarioArb = fc.record({
  starts: fc.array(
    fc.record({
      t: fc.nat(10),
      participants: fc.subarray([...NAMES], { minLength: 1 }),
      threshold: fc.integer({ min: 1, max: 4 }),
      pendingEpoch: fc.option(fc.nat(5), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  events: fc.array(
    fc.record({
      type: fc.constantFrom('response', 'response', 'response', 'commit', 'abort', 'supersede'),
      by: nameArb,
      t: fc.nat(30),
      target: fc.nat(1),
      accept: fc.boolean(),
      cid: fc.constantFrom('cons-a', 'cons-b'),
    }),
    { maxLength: 12 },
  ),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function build(s: Scenario): ValidatedFact[] {
  return buildWithStarts(s).facts;
}

function buildWithStarts(s: Scenario) {
  const starts = s.starts.map((x, i) => start(x.t, { participants: x.participants, threshold: x.threshold, pendingEpoch: x.pendingEpoch, kind: `k${i}` }));
  const events = s.events.map((e) => {
    const id = starts[e.target % starts.length]!.id;
    switch (e.type) {
      case 'response':
        return respond(e.by, e.t, id, e.accept);
      case 'commit':
        return commit(e.by, e.t, id, e.cid);
      case 'abort':
        return abort(e.by, e.t, id);
      default:
        return supersede(e.by, e.t, id, starts[(e.target + 1) % starts.length]!.id);
    }
  });
  return { starts, facts: [...starts, ...events] };
}


const snapshot = (st: CeremoniesState) => ({
  canonical: encodeCanonical(ceremoniesReducer.canonical(st)),
  statuses: encodeCanonical(listCeremonies(st)),
  conflicts: encodeCanonical(ceremonyConflicts(st)),
});

describe('order independence', () => {
  it('any permutation of the same facts gives identical canonical state, statuses and conflicts', () => {
    fc.assert(
      fc.property(scenarioArb, randArb, randArb, (s, r1, r2) => {
        const facts = build(s);
        expect(snapshot(reduce(shuffle(facts, r2)))).toEqual(snapshot(reduce(shuffle(facts, r1))));
      }),
      { numRuns: 250 },
    );
  });

  it('applying facts more than once changes nothing (idempotent)', () => {
    fc.assert(
      fc.property(scenarioArb, randArb, (s, r) => {
        const facts = build(s);
        expect(snapshot(reduce(shuffle([...facts, ...facts], r)))).toEqual(snapshot(reduce(facts)));
      }),
      { numRuns: 200 },
    );
  });

  it('every reduced status satisfies the invariants; k > n never yields a ceremony', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { starts, facts } = buildWithStarts(s);
        const st = reduce(facts);
        for (const status of listCeremonies(st)) {
          expect(checkCeremonyInvariants(status)).toEqual([]);
          if (status.state.type === 'Committed') {
            // The applied commit is the earliest commit fact by a party preceded by k acceptances from participants.
            const { consensusId, committedAt } = status.state;
            const participants = new Set(status.responses.map((r) => r.participant));
            const firstResponses = new Map<string, ValidatedFact<'ceremony.response'>>();
            for (const r of facts.filter((f): f is ValidatedFact<'ceremony.response'> => f.fact.kind === 'ceremony.response').sort(compareFacts)) {
              if (r.fact.body.ceremony === status.ceremonyId && participants.has(r.fact.author) && !firstResponses.has(r.fact.author)) firstResponses.set(r.fact.author, r);
            }
            const accepts = [...firstResponses.values()].filter((r) => r.fact.body.accept);
            const start = starts.find((x) => x.id === status.ceremonyId)!;
            const party = (a: string) => a === start.fact.author || start.fact.body.participants.includes(a);
            const valid = facts
              .filter((f): f is ValidatedFact<'ceremony.commit'> => f.fact.kind === 'ceremony.commit' && f.fact.body.ceremony === status.ceremonyId)
              .filter((c) => party(c.fact.author) && accepts.filter((r) => compareFacts(r, c) < 0).length >= status.threshold)
              .sort(compareFacts);
            expect(valid[0]!.fact.body.consensusId).toBe(consensusId);
            expect(valid[0]!.fact.time.wall).toBe(committedAt);
          }
        }
        for (const x of starts) {
          const valid = x.fact.body.threshold <= x.fact.body.participants.length;
          expect(ceremonyStatus(st, x.id) !== null).toBe(valid);
          expect(invalidCeremonies(st).some((i) => i.startFact === x.id)).toBe(!valid);
        }
        const conflicts = ceremonyConflicts(st);
        for (const c of conflicts) {
          const status = ceremonyStatus(st, c.ceremonyId)!;
          if (c.reason === 'ConflictingCommit') expect(status.state.type === 'Committed' && status.state.consensusId !== c.consensusId).toBe(true);
          else expect(status.state.type === 'Aborted' || status.state.type === 'Superseded').toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
