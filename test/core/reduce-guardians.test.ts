import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authz/authorize.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import { checkCeremonyInvariants, type CeremonyStatus } from '../../src/core/consistency/ceremony-status.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { cancelledAt, guardianCeremonyId, guardiansReducer, recoveryVotes } from '../../src/core/reduce/guardians.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { recoveryStatus } from '../../src/core/reduce/recovery-status.ts';
import type { GuardianBranch } from '../../src/core/reduce/tree/tree-state.ts';
import { person, reduce } from '../support/authz-world.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const PAIR = contextNamespace('guardian-pair');
const [alice, bob, carol, dave, mallory] = ['alice', 'bob', 'carol', 'dave', 'mallory'].map((n) => person(`guardians-${n}`, PAIR)) as [
  ReturnType<typeof person>, ReturnType<typeof person>, ReturnType<typeof person>, ReturnType<typeof person>, ReturnType<typeof person>,
];
const owner = alice.author;
const guardians = [bob, carol, dave];
const device = deviceKey('guardians-recovered').deviceId;
const T0 = 1_800_000_000_000;
const PRESTATE = 'ab'.repeat(32);

const branch = (threshold: number): GuardianBranch => ({
  threshold,
  groupKey: 'cd'.repeat(32),
  delayMs: 60_000,
  guardians: guardians.map((g) => ({ authority: g.author, device: g.w.key.deviceId })).sort((a, b) => (a.authority < b.authority ? -1 : 1)),
});

/** Fresh writers for one scenario (each guardian's facts get strictly increasing walls). */
const writers = () => ({ owner: new Writer(alice.w.key, owner, PAIR).setWall(T0), guardians: guardians.map((g) => new Writer(g.w.key, g.author, PAIR).setWall(T0)) });

type Event = { type: 'vote'; guardian: number; approve: boolean; gap: number } | { type: 'cancel'; gap: number };

function facts(events: readonly Event[]): ValidatedFact[] {
  const w = writers();
  return events.map((e) =>
    e.type === 'cancel'
      ? w.owner.at(e.gap).fact('recovery.cancel', { device })
      : w.guardians[e.guardian]!.at(e.gap).fact('recovery.approve', { authority: owner, device, approve: e.approve }),
  );
}

/** The recovery's status from the pair states, gathered in the order given. */
function statusOf(pairs: readonly (readonly ValidatedFact[])[], threshold: number, recoveredAt: number | null = null): CeremonyStatus {
  const states = pairs.map((p) => reduceAll(guardiansReducer, p));
  const cancels = states.map((s) => cancelledAt(s, owner, device)).filter((t): t is number => t !== null);
  return recoveryStatus({
    authority: owner,
    device,
    branch: branch(threshold),
    prestate: PRESTATE,
    epoch: 4,
    votes: states.flatMap((s) => recoveryVotes(s, owner, device)),
    cancelledAt: cancels.length === 0 ? null : Math.min(...cancels),
    recoveredAt,
  });
}

const vote = (guardian: number, approve: boolean, gap = 1000): Event => ({ type: 'vote', guardian, approve, gap });

describe('recovery status from guardian votes', () => {
  it('t approvals → Committing; fewer → PendingEpoch for epoch + 1', () => {
    const one = statusOf([facts([vote(0, true)])], 2);
    expect(one.state).toEqual({ type: 'PendingEpoch', pendingEpoch: 5, requiredResponses: 2, receivedResponses: 1 });
    const two = statusOf([facts([vote(0, true), vote(2, true)])], 2);
    expect(two.state).toEqual({ type: 'Committing' });
    expect(two.committedAgreement).toBeNull();
    expect(two.responses.filter((r) => r.response === 'Accepted')).toHaveLength(2);
    expect(two.ceremonyId).toBe(`recover:${device}`);
    expect(checkCeremonyInvariants(two)).toEqual([]);
  });

  it('recovered → Committed with a Finalized agreement, even after a later cancellation', () => {
    const s = statusOf([facts([vote(0, true), vote(1, true), { type: 'cancel', gap: 5000 }])], 2, T0 + 9_000);
    expect(s.state).toEqual({ type: 'Committed', consensusId: `recover:${device}`, committedAt: T0 + 9_000 });
    expect(s.committedAgreement).toEqual({ level: 'Finalized', consensusId: `recover:${device}` });
    expect(checkCeremonyInvariants(s)).toEqual([]);
  });

  it('a cancellation by the owner aborts, at its fact time', () => {
    const fs = facts([vote(0, true), { type: 'cancel', gap: 10 }, vote(1, true)]);
    const s = statusOf([fs], 2);
    expect(s.state).toEqual({ type: 'Aborted', reason: 'cancelled by the owner', abortedAt: fs[1]!.fact.time.wall });
    expect(s.committedAgreement).toBeNull();
    expect(checkCeremonyInvariants(s)).toEqual([]);
  });

  it('n − t + 1 refusals abort (t approvals can no longer come); n − t do not', () => {
    expect(statusOf([facts([vote(0, false), vote(1, false)])], 2).state).toMatchObject({ type: 'Aborted', reason: 'refused by guardians' });
    expect(statusOf([facts([vote(0, false)])], 2).state.type).toBe('PendingEpoch');
    expect(statusOf([facts([vote(2, false)])], 3).state).toMatchObject({ type: 'Aborted', reason: 'refused by guardians' });
    expect(statusOf([facts([vote(0, false), vote(1, false)])], 1).state.type).toBe('PendingEpoch');
  });

  it("a guardian's second, contradicting vote does not count, in its pair or gathered from another", () => {
    const [approve, refuse, other] = facts([vote(0, true), vote(0, false), vote(1, false)]);
    for (const pairs of [[[approve!, refuse!, other!]], [[refuse!, other!], [approve!]], [[other!, refuse!], [approve!, refuse!]]]) {
      const s = statusOf(pairs, 2);
      expect(s.state).toEqual({ type: 'PendingEpoch', pendingEpoch: 5, requiredResponses: 2, receivedResponses: 1 });
      expect(s.responses.find((r) => r.participant === bob.author)).toEqual({ participant: bob.author, response: 'Accepted', respondedAt: approve!.fact.time.wall });
    }
    const [flip, back, third] = facts([vote(0, false), vote(0, true), vote(2, true)]);
    expect(statusOf([[third!, back!], [flip!]], 2).state.type).toBe('PendingEpoch');
  });

  it('order-independent: any spread of the facts over 2–3 pairs, any arrival order, duplicates → one status', () => {
    const eventArb: fc.Arbitrary<Event> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ type: fc.constant('vote' as const), guardian: fc.integer({ min: 0, max: 2 }), approve: fc.boolean(), gap: fc.integer({ min: 0, max: 5000 }) }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel' as const), gap: fc.integer({ min: 0, max: 5000 }) }) },
    );
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 10 }),
        fc.integer({ min: 1, max: 3 }),
        fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: null }),
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), randArb), { minLength: 3, maxLength: 3 }),
        (events, threshold, recovered, k, spreads) => {
          const fs = facts(events);
          const recoveredAt = recovered === null ? null : T0 + recovered;
          const ref = statusOf([fs], threshold, recoveredAt);
          expect(checkCeremonyInvariants(ref)).toEqual([]);
          for (const [seed, homes, rand] of spreads) {
            // Each fact lands in at least one pair (some in several: duplicates), each pair in its own order.
            const pairs: ValidatedFact[][] = Array.from({ length: k }, () => []);
            fs.forEach((f, i) => {
              for (const h of [seed + i, ...homes.map((x) => x + i)]) pairs[h % k]!.push(f);
            });
            const ordered = shuffle(pairs.map((p, j) => shuffle(p, rand.map((r) => r + j))), rand);
            const s = statusOf(ordered, threshold, recoveredAt);
            expect(s).toEqual(ref);
            expect(checkCeremonyInvariants(s)).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('who may write guardian and recovery facts (pairwise context)', () => {
  const members = [alice.join, bob.join, carol.join, mallory.join];
  const channel = new Uint8Array(32);
  const ceremony = guardianCeremonyId(alice.author, channel);
  const request = alice.w.fact('guardian.request', {
    ceremony,
    threshold: 2,
    guardians: [bob.author, carol.author],
    delayMs: 60_000,
    channel,
    respondBy: T0,
  });
  const answer = (p: typeof alice) => p.w.fact('guardian.answer', { ceremony, accept: true, device: p.w.key.deviceId });

  it('an answer or key from an authority the request does not name (or from the asker) is refused NotAGuardian', () => {
    expect(authorize(answer(bob), reduce(members))).toEqual({ ok: false, wait: waitKey.ceremony(ceremony) });
    const st = reduce([...members, request]);
    expect(authorize(answer(bob), st)).toEqual({ ok: true });
    for (const p of [mallory, alice]) expect(authorize(answer(p), st)).toEqual({ ok: false, refuse: 'NotAGuardian' });
    const key = mallory.w.fact('guardian.key', { ceremony, groupKey: 'ef'.repeat(32) });
    expect(authorize(key, st)).toEqual({ ok: false, refuse: 'NotAGuardian' });
    const forged = answer(mallory);
    const good = answer(carol);
    for (const order of [[forged, good, ...members, request], [...members, request, good, forged]]) {
      const after = reduce(order);
      expect(after.authz.refused.get(forged.id)).toBe('NotAGuardian');
      expect([...after.guardians.answers.values()].map((f) => f.fact.author)).toEqual([carol.author]);
    }
  });

  it("approving one's own recovery is refused SelfApproval; another authority's is allowed", () => {
    const self = bob.w.fact('recovery.approve', { authority: bob.author, device, approve: true });
    const forAlice = bob.w.fact('recovery.approve', { authority: owner, device, approve: true });
    const st = reduce([...members, self, forAlice]);
    expect(st.authz.refused.get(self.id)).toBe('SelfApproval');
    expect(st.authz.refused.has(forAlice.id)).toBe(false);
    expect(recoveryVotes(st.guardians, bob.author, device)).toEqual([]);
    expect(recoveryVotes(st.guardians, owner, device)).toEqual([{ guardian: bob.author, approve: true, at: forAlice.fact.time.wall }]);
  });

  it('a second request reusing a ceremony id is refused, so it cannot change which answers count (order-independent)', () => {
    const answer = carol.w.fact('guardian.answer', { ceremony, accept: true, device: carol.w.key.deviceId });
    const reused = mallory.w.setWall(1_600_000_000_000).fact('guardian.request', { ...request.fact.body, guardians: [mallory.author] });
    const a = reduce([...members, request, answer, reused]);
    const b = reduce([...members, reused, request, answer]);
    expect(a.authz.refused.has(answer.id)).toBe(b.authz.refused.has(answer.id));
    expect(a.authz.refused.get(reused.id)).toBe('InvalidCeremony');
    expect(b.authz.refused.get(reused.id)).toBe('InvalidCeremony');
  });

  it('the device list (guardian.ready) comes only from the authority that asked', () => {
    const ready = (p: typeof alice) => p.w.fact('guardian.ready', { ceremony, devices: [bob.w.key.deviceId, carol.w.key.deviceId] });
    const st = reduce([...members, request]);
    expect(authorize(ready(alice), st)).toEqual({ ok: true });
    for (const p of [bob, mallory]) {
      const forged = ready(p);
      expect(authorize(forged, st)).toEqual({ ok: false, refuse: 'NotCeremonyParty' });
      const after = reduce([forged, ...members, request]);
      expect(after.authz.refused.get(forged.id)).toBe('NotCeremonyParty');
      expect(after.guardians.ready.size).toBe(0);
    }
  });
});
