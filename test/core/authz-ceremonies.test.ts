import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authz/authorize.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { initAgreement } from '../../src/core/reduce/agreement.ts';
import { ceremoniesReducer, ceremonyStatus } from '../../src/core/reduce/ceremonies.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { CTX, person, reduce, verdictIn } from '../support/authz-world.ts';
import { signedCommit, witnessGroup } from '../support/frost-group.ts';

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => person(n));
const joins = [alice, bob, carol, dave].map((p) => p!.join);
const PRESTATE = 'cd'.repeat(32);
// Alice initiates; Bob and Carol take part; Dave is a member but no party.
const start = alice!.w.fact('ceremony.start', { ceremonyKind: 'create-group', participants: [bob!.author, carol!.author], threshold: 2, prestateHash: PRESTATE });
const steps = (p: typeof alice): ValidatedFact[] => [
  p!.w.fact('ceremony.response', { ceremony: start.id, accept: true }),
  p!.w.fact('ceremony.abort', { ceremony: start.id, reason: 'no' }),
  p!.w.fact('ceremony.supersede', { ceremony: start.id, by: start.id, reason: 'ExplicitCancel' }),
];
const ok = { ok: true };

describe('ceremony steps come from the initiator and participants only', () => {
  it('a step waits for its ceremony, then counts from a party and is refused from anyone else', () => {
    for (const f of steps(bob)) {
      expect(verdictIn(joins, f), f.fact.kind).toEqual({ ok: false, wait: waitKey.ceremony(start.id) });
      expect(verdictIn([...joins, start], f), f.fact.kind).toEqual(ok);
    }
    for (const f of steps(alice)) expect(verdictIn([...joins, start], f), f.fact.kind).toEqual(ok);
    for (const f of [...steps(dave), dave!.w.fact('ceremony.commit', { ceremony: start.id, consensusId: 'c' })]) {
      expect(verdictIn([...joins, start], f), f.fact.kind).toEqual({ ok: false, refuse: 'NotCeremonyParty' });
    }
  });

  it('a step of a ceremony whose start was invalid (k > n) is refused', () => {
    const bad = alice!.w.fact('ceremony.start', { ceremonyKind: 'k', participants: [bob!.author], threshold: 2, prestateHash: PRESTATE });
    const f = bob!.w.fact('ceremony.response', { ceremony: bad.id, accept: true });
    expect(verdictIn([...joins, bad], f)).toEqual({ ok: false, refuse: 'InvalidCeremony' });
  });

  it("the reducer's own rule: a stranger's abort, supersession or commit is ignored and hides no party's", () => {
    const yes = [bob!.w.fact('ceremony.response', { ceremony: start.id, accept: true }), carol!.w.fact('ceremony.response', { ceremony: start.id, accept: true })];
    const strangerAbort = dave!.w.setWall(1).fact('ceremony.abort', { ceremony: start.id, reason: 'stranger' });
    const strangerSupersede = dave!.w.setWall(2).fact('ceremony.supersede', { ceremony: start.id, by: start.id, reason: 'Timeout' });
    const strangerCommit = dave!.w.setWall(2e12).fact('ceremony.commit', { ceremony: start.id, consensusId: 'c' });
    const st = reduceAll(ceremoniesReducer, [start, ...yes, strangerAbort, strangerSupersede, strangerCommit]);
    expect(ceremonyStatus(st, start.id)!.state).toEqual({ type: 'Committing' });
    const partyAbort = carol!.w.fact('ceremony.abort', { ceremony: start.id, reason: 'party' });
    expect(ceremonyStatus(reduceAll(ceremoniesReducer, [strangerAbort, start, partyAbort]), start.id)!.state).toMatchObject({ type: 'Aborted', reason: 'party' });
  });
});

describe('a ceremony commit needs its consensus', () => {
  const group = witnessGroup('authz-ceremonies');
  const yes = [bob!.w.fact('ceremony.response', { ceremony: start.id, accept: true }), carol!.w.fact('ceremony.response', { ceremony: start.id, accept: true })];
  const commit = alice!.w.fact('ceremony.commit', { ceremony: start.id, consensusId: 'cons-1' });
  const consensus = (prestateHash: string, covers = [start.id]) =>
    carol!.w.fact('consensus.commit', signedCommit(group, CTX, { consensusId: 'cons-1', prestateHash, covers, signers: ['w1', 'w2'] }));
  /** A namespace recording the witness set's group key. */
  function keyed(facts: ValidatedFact[]) {
    const st = namespaceReducer.init();
    st.agreement = initAgreement(group.groupKey);
    for (const f of facts) namespaceReducer.apply(st, f);
    return st;
  }

  it('waits until a verified commit with its consensus id covers the ceremony at its prestate', () => {
    const base = [...joins, start, ...yes];
    expect(authorize(commit, reduce(base))).toEqual({ ok: false, wait: waitKey.consensus('cons-1') });
    expect(authorize(commit, keyed([...base, consensus('ef'.repeat(32))]))).toEqual({ ok: false, wait: waitKey.consensus('cons-1') });
    expect(authorize(commit, keyed([...base, consensus(PRESTATE, [yes[0]!.id])]))).toEqual({ ok: false, wait: waitKey.consensus('cons-1') });
    expect(authorize(commit, keyed([...base, consensus(PRESTATE)]))).toEqual(ok);
  });

  it('held until then, whatever the order: Committed only once the consensus arrives', () => {
    const facts = [...joins, start, ...yes, commit];
    expect(ceremonyStatus(keyed(facts).ceremonies, start.id)!.state).toEqual({ type: 'Committing' });
    for (const order of [[...facts, consensus(PRESTATE)], [consensus(PRESTATE), ...[...facts].reverse()]]) {
      expect(ceremonyStatus(keyed(order).ceremonies, start.id)!.state).toMatchObject({ type: 'Committed', consensusId: 'cons-1' });
    }
  });
});
