import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { BodyOf, FactKind } from '../../src/core/facts/kinds/index.ts';
import type { ApprovalRule } from '../../src/core/facts/kinds/proposals.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import { requiredApprovals } from '../../src/core/reduce/approval-rule.ts';
import { compareFacts } from '../../src/core/reduce/stamp.ts';
import { deferredStatus, listProposals, proposalsReducer, type ProposalsState } from '../../src/core/reduce/proposals.ts';
import { initAgreement } from '../../src/core/reduce/agreement.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { signedCommit, singleKeyGroup } from '../support/frost-group.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const NS = contextNamespace('proposals-test');
const T0 = 1_700_000_000_000;
const NAMES = ['alice', 'bob', 'carol', 'dave'] as const;
type Name = (typeof NAMES)[number];
const writers = Object.fromEntries(NAMES.map((n) => [n, new Writer(deviceKey(`proposals-${n}`), `auth-${n}`, NS)])) as Record<Name, Writer>;
const auth = (n: Name) => writers[n].author;

const cache = new Map<string, ValidatedFact>();
/** A signed fact by `who` whose HLC wall is exactly T0 + `t` (logical 0). Deterministic, so memoized. */
function at<K extends FactKind>(who: Name, t: number, kind: K, body: BodyOf<K>): ValidatedFact<K> {
  const key = `${who}|${t}|${kind}|${JSON.stringify(body)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = writers[who].setWall(T0 + t - 1).fact(kind, body)));
  return f as ValidatedFact<K>;
}

function create(who: Name, t: number, opts: { subject?: string; rule?: ApprovalRule; voters?: Name[]; ttl?: number } = {}) {
  return at(who, t, 'proposal.create', {
    subject: opts.subject ?? 'member:bob',
    operation: 'removeMember',
    args: [],
    rule: opts.rule ?? { type: 'Any' },
    voters: (opts.voters ?? ['alice', 'bob', 'carol']).map(auth),
    expiresAt: T0 + (opts.ttl ?? 100),
  });
}

const vote = (who: Name, t: number, proposal: FactId, approve: boolean, reason?: string) =>
  at(who, t, 'proposal.vote', reason === undefined ? { proposal, approve } : { proposal, approve, reason });

const group = singleKeyGroup('proposals-test');
const commitBody = (consensusId: string, covers: FactId[]) => ({ consensusId, prestateHash: 'ab'.repeat(32), covers, signers: ['w1'] });
const signatures = new Map<string, ReturnType<typeof signedCommit>>();
/** A commit whose threshold signature verifies under the group key (signing is slow, so memoized). */
function commit(t: number, consensusId: string, covers: FactId[]) {
  const key = JSON.stringify([consensusId, covers]);
  let body = signatures.get(key);
  if (!body) signatures.set(key, (body = signedCommit(group, NS, commitBody(consensusId, covers))));
  return at('dave', t, 'consensus.commit', body);
}
const forgedCommit = (t: number, consensusId: string, covers: FactId[]) =>
  at('dave', t, 'consensus.commit', { ...commitBody(consensusId, covers), signature: new Uint8Array(64) });

/** As in a namespace whose journal records the witness set's group key. */
function reduce(facts: ValidatedFact[]): ProposalsState {
  const st: ProposalsState = { ...proposalsReducer.init(), agreement: initAgreement(group.groupKey) };
  for (const f of facts) proposalsReducer.apply(st, f);
  return st;
}
const statusIn = (facts: ValidatedFact[], id: FactId) => deferredStatus(reduce(facts), id)!;

describe('approval rules', () => {
  it('Percentage needs the least count with approvals*100 >= percent*voters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 256 }), (percent, n) => {
        const r = requiredApprovals({ type: 'Percentage', percent }, n);
        expect(r * 100 >= percent * n).toBe(true);
        expect((r - 1) * 100 >= percent * n).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('Any needs one, Unanimous all, Threshold what it says', () => {
    expect(requiredApprovals({ type: 'Any' }, 5)).toBe(1);
    expect(requiredApprovals({ type: 'Unanimous' }, 5)).toBe(5);
    expect(requiredApprovals({ type: 'Threshold', required: 7 }, 5)).toBe(7);
    expect(requiredApprovals({ type: 'Percentage', percent: 66 }, 3)).toBe(2);
    expect(requiredApprovals({ type: 'Percentage', percent: 67 }, 3)).toBe(3);
  });
});

describe('proposal decisions', () => {
  it('is Pending with no votes, and unknown ids have no status', () => {
    const p = create('alice', 1);
    const st = reduce([p]);
    const s = deferredStatus(st, p.id)!;
    expect(s.state).toEqual({ type: 'Pending' });
    expect(s.approvals).toEqual({ required: 1, eligible: 3, approvedBy: [], rejectedBy: [], awaiting: [auth('alice'), auth('bob'), auth('carol')] });
    expect(s.appliedAgreement).toBeNull();
    expect(s.expiresAt).toBe(T0 + 100);
    expect(deferredStatus(st, vote('bob', 2, p.id, true).id)).toBeNull();
  });

  it('Any: one approval approves, Provisional until finalized', () => {
    const p = create('alice', 1);
    const s = statusIn([p, vote('bob', 2, p.id, true)], p.id);
    expect(s.state).toEqual({ type: 'Approved' });
    expect(s.approvals.approvedBy).toEqual([auth('bob')]);
    expect(s.appliedAgreement).toEqual({ level: 'Provisional' });
  });

  it('Unanimous: waits for every voter; one rejection rejects with its reason', () => {
    const p = create('alice', 1, { rule: { type: 'Unanimous' } });
    const two = [p, vote('alice', 2, p.id, true), vote('bob', 3, p.id, true)];
    expect(statusIn(two, p.id).state).toEqual({ type: 'Pending' });
    expect(statusIn([...two, vote('carol', 4, p.id, true)], p.id).state).toEqual({ type: 'Approved' });
    expect(statusIn([...two, vote('carol', 4, p.id, false, 'not yet')], p.id).state).toEqual({ type: 'Rejected', reason: 'not yet', by: auth('carol') });
  });

  it('Threshold: rejected only once too few voters remain, by the deciding rejection, default reason', () => {
    const p = create('alice', 1, { rule: { type: 'Threshold', required: 2 } });
    const one = [p, vote('bob', 5, p.id, false, 'first')];
    expect(statusIn(one, p.id).state).toEqual({ type: 'Pending' });
    const both = [...one, vote('carol', 3, p.id, false)];
    // carol's rejection is earlier in fact order, so bob's (at 5) is the one that made approval impossible.
    expect(statusIn(both, p.id).state).toEqual({ type: 'Rejected', reason: 'first', by: auth('bob') });
    const s = statusIn([p, vote('bob', 5, p.id, false), vote('carol', 6, p.id, false)], p.id);
    expect(s.state).toEqual({ type: 'Rejected', reason: 'rejected', by: auth('carol') });
    expect(s.approvals.rejectedBy).toEqual([auth('bob'), auth('carol')]);
  });

  it('Threshold above the voter count is Rejected at creation by the proposer', () => {
    const p = create('alice', 1, { rule: { type: 'Threshold', required: 4 } });
    const s = statusIn([p, vote('bob', 2, p.id, true), vote('carol', 3, p.id, true)], p.id);
    expect(s.state).toEqual({ type: 'Rejected', reason: 'unattainable rule: 4 approvals required of 3 voters', by: auth('alice') });
    expect(s.approvals.required).toBe(4);
    expect(s.appliedAgreement).toBeNull();
  });

  it('Percentage: integer comparison of approvals*100 with percent*voters', () => {
    const p = create('alice', 1, { rule: { type: 'Percentage', percent: 67 } });
    const two = [p, vote('alice', 2, p.id, true), vote('bob', 3, p.id, true)];
    expect(statusIn(two, p.id).state).toEqual({ type: 'Pending' });
    expect(statusIn([...two, vote('carol', 4, p.id, true)], p.id).state).toEqual({ type: 'Approved' });
    const q = create('alice', 1, { rule: { type: 'Percentage', percent: 66 }, subject: 'other' });
    expect(statusIn([q, vote('alice', 2, q.id, true), vote('bob', 3, q.id, true)], q.id).state).toEqual({ type: 'Approved' });
  });

  it('ignores votes from authorities not listed as voters', () => {
    const p = create('alice', 1, { voters: ['alice', 'bob'] });
    const s = statusIn([p, vote('dave', 2, p.id, true), vote('carol', 3, p.id, true)], p.id);
    expect(s.state).toEqual({ type: 'Pending' });
    expect(s.approvals.approvedBy).toEqual([]);
  });

  it("a voter's first vote is final, whatever order facts arrive in", () => {
    const p = create('alice', 1, { rule: { type: 'Unanimous' }, voters: ['alice', 'bob'] });
    const facts = [p, vote('alice', 2, p.id, true), vote('bob', 3, p.id, false, 'no'), vote('bob', 4, p.id, true)];
    for (const order of [facts, [...facts].reverse()]) {
      const s = statusIn(order, p.id);
      expect(s.state).toEqual({ type: 'Rejected', reason: 'no', by: auth('bob') });
      expect(s.approvals.approvedBy).toEqual([auth('alice')]);
    }
  });

  it('two votes at the same order time: the smaller FactId is the first', () => {
    const p = create('alice', 1, { voters: ['bob'] });
    const yes = vote('bob', 2, p.id, true);
    const no = vote('bob', 2, p.id, false);
    expect(yes.fact.time).toEqual(no.fact.time);
    const first = yes.id < no.id ? yes : no;
    const s = statusIn([p, no, yes], p.id);
    expect(s.state.type).toBe(first.fact.body.approve ? 'Approved' : 'Rejected');
  });

  it('votes cast at or after expiresAt do not count', () => {
    const p = create('alice', 1, { ttl: 10 });
    expect(statusIn([p, vote('bob', 10, p.id, true)], p.id).state).toEqual({ type: 'Expired' });
    expect(statusIn([p, vote('bob', 9, p.id, true)], p.id).state).toEqual({ type: 'Approved' });
  });
});

describe('expiry, supersession, precedence', () => {
  it('expires from fact evidence only: any fact with wall >= expiresAt', () => {
    const p = create('alice', 1, { ttl: 10 });
    const other = create('dave', 1, { subject: 'unrelated' });
    expect(statusIn([p, vote('dave', 9, other.id, true)], p.id).state).toEqual({ type: 'Pending' });
    expect(statusIn([p, vote('dave', 10, other.id, true)], p.id).state).toEqual({ type: 'Expired' });
    // A fact of a kind the reducer does not interpret still proves time has passed.
    const chatLike = commit(10, 'unrelated', [other.id]);
    expect(statusIn([p, chatLike], p.id).state).toEqual({ type: 'Expired' });
  });

  it('a later create on the same subject supersedes undecided earlier ones with the latest', () => {
    const p1 = create('alice', 1);
    const p2 = create('bob', 2, { rule: { type: 'Unanimous' } });
    const p3 = create('carol', 3, { rule: { type: 'Threshold', required: 2 } });
    const st = reduce([p3, p1, p2]);
    expect(deferredStatus(st, p1.id)!.state).toEqual({ type: 'Superseded', by: p3.id });
    expect(deferredStatus(st, p2.id)!.state).toEqual({ type: 'Superseded', by: p3.id });
    expect(deferredStatus(st, p3.id)!.state).toEqual({ type: 'Pending' });
    expect(listProposals(st).map((s) => s.proposalId)).toEqual([p1.id, p2.id, p3.id]);
    const elsewhere = create('bob', 4, { subject: 'member:carol' });
    expect(statusIn([p3, elsewhere], p3.id).state).toEqual({ type: 'Pending' });
  });

  it('precedence: decided > Superseded > Expired > Pending', () => {
    const p1 = create('alice', 1, { ttl: 10 });
    const p2 = create('bob', 20);
    expect(statusIn([p1, p2], p1.id).state).toEqual({ type: 'Superseded', by: p2.id });
    expect(statusIn([p1, p2, vote('carol', 5, p1.id, true)], p1.id).state).toEqual({ type: 'Approved' });
    expect(statusIn([p1, vote('carol', 50, p2.id, true)], p1.id).state).toEqual({ type: 'Expired' });
  });
});

describe('applied agreement', () => {
  it('is Finalized when a verified consensus commit covers the proposal or its deciding vote', () => {
    const p = create('alice', 1, { rule: { type: 'Threshold', required: 2 } });
    const v1 = vote('alice', 2, p.id, true);
    const v2 = vote('bob', 3, p.id, true);
    const base = [p, v1, v2];
    expect(statusIn([...base, commit(4, 'cons-1', [p.id])], p.id).appliedAgreement).toEqual({ level: 'Finalized', consensusId: 'cons-1' });
    expect(statusIn([...base, commit(4, 'cons-2', [v2.id])], p.id).appliedAgreement).toEqual({ level: 'Finalized', consensusId: 'cons-2' });
    // v1 is a vote but not the deciding one.
    expect(statusIn([...base, commit(4, 'cons-3', [v1.id])], p.id).appliedAgreement).toEqual({ level: 'Provisional' });
  });

  it('a commit finalizes nothing without a recorded group key, or when its signature does not verify', () => {
    const p = create('alice', 1);
    const v = vote('bob', 2, p.id, true);
    const withoutKey = reduceAll(proposalsReducer, [p, v, commit(4, 'cons-1', [p.id])]);
    expect(deferredStatus(withoutKey, p.id)!.appliedAgreement).toEqual({ level: 'Provisional' });
    expect(statusIn([p, v, forgedCommit(4, 'cons-1', [p.id])], p.id).appliedAgreement).toEqual({ level: 'Provisional' });
  });

  it('a convergence certificate makes nothing SoftSafe: it carries no witness shares to verify', () => {
    const p = create('alice', 1);
    const v = vote('bob', 2, p.id, true);
    const cert = at('dave', 3, 'consensus.cert', { certId: 'cert-1', covers: [p.id], witnesses: ['w1', 'w2'] });
    expect(statusIn([p, v, cert], p.id).appliedAgreement).toEqual({ level: 'Provisional' });
  });

  it('stays null while not Approved, even if covered', () => {
    const p = create('alice', 1);
    expect(statusIn([p, commit(4, 'cons-1', [p.id])], p.id).appliedAgreement).toBeNull();
  });
});

// ---- order independence ----

const ruleArb: fc.Arbitrary<ApprovalRule> = fc.oneof(
  fc.constant({ type: 'Any' as const }),
  fc.constant({ type: 'Unanimous' as const }),
  fc.integer({ min: 1, max: 4 }).map((required) => ({ type: 'Threshold' as const, required })),
  fc.integer({ min: 1, max: 100 }).map((percent) => ({ type: 'Percentage' as const, percent })),
);
const nameArb = fc.constantFrom(...NAMES);
const scenarioArb = fc.record({
  creates: fc.array(
    fc.record({ by: nameArb, t: fc.nat(20), subject: fc.constantFrom('s1', 's2'), rule: ruleArb, voters: fc.subarray([...NAMES], { minLength: 1 }), ttl: fc.nat(50) }),
    { minLength: 1, maxLength: 3 },
  ),
  votes: fc.array(
    fc.record({ by: nameArb, t: fc.nat(60), target: fc.nat(2), approve: fc.boolean(), reason: fc.option(fc.constantFrom('no', 'later'), { nil: undefined }) }),
    { maxLength: 10 },
  ),
  commits: fc.array(fc.record({ t: fc.nat(60), cid: fc.constantFrom('c1', 'c2'), target: fc.nat(12) }), { maxLength: 2 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function build(s: Scenario): ValidatedFact[] {
  const creates = s.creates.map((c) => create(c.by, c.t, { subject: c.subject, rule: c.rule, voters: c.voters, ttl: c.ttl }));
  const votes = s.votes.map((v) => vote(v.by, v.t, creates[v.target % creates.length]!.id, v.approve, v.reason));
  const targets = [...creates, ...votes].map((f) => f.id);
  const commits = s.commits.map((c) => commit(c.t, c.cid, [targets[c.target % targets.length]!]));
  return [...creates, ...votes, ...commits];
}


const snapshot = (st: ProposalsState) => ({
  canonical: encodeCanonical(proposalsReducer.canonical(st)),
  statuses: encodeCanonical(listProposals(st)),
});

describe('order independence', () => {
  it('any permutation of the same facts gives identical canonical state and statuses', () => {
    fc.assert(
      fc.property(scenarioArb, randArb, randArb, (s, r1, r2) => {
        const facts = build(s);
        const a = snapshot(reduce(shuffle(facts, r1)));
        const b = snapshot(reduce(shuffle(facts, r2)));
        expect(b.canonical).toEqual(a.canonical);
        expect(b.statuses).toEqual(a.statuses);
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

  it('every status is internally consistent', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const facts = build(s);
        const st = reduce(facts);
        for (const d of listProposals(st)) {
          const { required, eligible, approvedBy, rejectedBy, awaiting } = d.approvals;
          expect(approvedBy.length + rejectedBy.length + awaiting.length).toBe(eligible);
          expect(new Set([...approvedBy, ...rejectedBy, ...awaiting]).size).toBe(eligible);
          if (d.state.type === 'Approved') expect(approvedBy.length).toBeGreaterThanOrEqual(required);
          else expect(d.appliedAgreement).toBeNull();
          // Rejected: too few voters remain, or the proposer withdrew it (voted no).
          const proposer = st.creates.get(d.proposalId)!.fact.author;
          if (d.state.type === 'Rejected' && d.state.by !== proposer) expect(eligible - rejectedBy.length).toBeLessThan(required);
          if (d.state.type === 'Pending' || d.state.type === 'Expired' || d.state.type === 'Superseded') {
            expect(approvedBy.length).toBeLessThan(required);
            expect(eligible - rejectedBy.length).toBeGreaterThanOrEqual(required);
          }
          if (d.state.type === 'Superseded') {
            const byId = d.state.by;
            const mine = facts.find((f) => f.id === d.proposalId) as ValidatedFact<'proposal.create'>;
            const theirs = facts.find((f) => f.id === byId) as ValidatedFact<'proposal.create'>;
            expect(deferredStatus(st, byId)).not.toBeNull();
            expect(compareFacts(theirs, mine)).toBeGreaterThan(0);
            expect(theirs.fact.body.subject).toBe(mine.fact.body.subject);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('withdrawal', () => {
  it('the proposer voting no withdraws it: Rejected by the proposer, even under Any', () => {
    const p = create('alice', 1, { rule: { type: 'Any' } });
    expect(statusIn([p, vote('alice', 2, p.id, false)], p.id).state).toEqual({ type: 'Rejected', reason: 'withdrawn', by: auth('alice') });
    expect(statusIn([p, vote('bob', 2, p.id, false)], p.id).state).toEqual({ type: 'Pending' });
  });
});
