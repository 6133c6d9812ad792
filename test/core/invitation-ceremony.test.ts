import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INVITATION_ABORTS,
  INVITATION_TIMEOUT_MS,
  startInvitation,
  stepInvitation,
  type InvitationCeremony,
  type InvitationEvent,
  type InvitationRole,
  type Person,
} from '../../src/core/rendezvous/invitation.ts';
import { isFinished } from '../../src/core/rendezvous/enrollment.ts';

const T0 = 1_800_000_000_000;
const EXPIRES = T0 + 600_000;
const ALICE: Person = { authority: 'bafy-alice', name: 'Alice' };
const BOB: Person = { authority: 'bafy-bob', name: 'Bob' };
const [ALICE_DEV, BOB_DEV, INTRUDER] = ['dev-alice', 'dev-bob', 'dev-intruder'] as const;

const start = (role: InvitationRole = 'inviter') => startInvitation('inv-1', role, role === 'inviter' ? 'aura-rdv:code' : null, EXPIRES);
const run = (c: InvitationCeremony, ...events: InvitationEvent[]) => events.reduce(stepInvitation, c);
const met = (at = T0 + 1_000, peer: string = BOB_DEV): InvitationEvent => ({ type: 'met', peer, at });
/** What each role hears when the invitation is shown, and when it is accepted. */
const presented = (role: InvitationRole, at = T0 + 2_000): InvitationEvent => ({ type: 'presented', inviter: role === 'invitee' ? ALICE : null, at });
const accepted = (role: InvitationRole, at = T0 + 3_000): InvitationEvent => ({ type: 'accepted', invitee: role === 'inviter' ? BOB : null, at });
const declined = (at = T0 + 3_000): InvitationEvent => ({ type: 'declined', at });
const committing: InvitationEvent = { type: 'committing' };
const committed = (at = T0 + 4_000): InvitationEvent => ({ type: 'committed', context: 'ctx-pair', at });
const tick = (at: number): InvitationEvent => ({ type: 'tick', at });
const abort = (at: number): InvitationEvent => ({ type: 'abort', reason: INVITATION_ABORTS.cancelled, at });
const failed = (at: number): InvitationEvent => ({ type: 'failed', reason: 'storage failed', at });
const superseded: InvitationEvent = { type: 'superseded', by: 'inv-2' };

const inCommitting = (role: InvitationRole = 'inviter') => run(start(role), met(), presented(role), accepted(role), committing);

describe('the invitation ceremony (pure state machine)', () => {
  it('starts Preparing; the code expires into Aborted (expired)', () => {
    for (const role of ['inviter', 'invitee'] as const) {
      const c = start(role);
      expect(c).toMatchObject({ role, peer: null, other: null, presented: false, deadline: null, state: { type: 'Preparing' } });
      expect(stepInvitation(c, tick(EXPIRES - 1))).toBe(c);
      expect(stepInvitation(c, tick(EXPIRES))).toMatchObject({ code: null, state: { type: 'Aborted', reason: INVITATION_ABORTS.expired, abortedAt: EXPIRES } });
    }
  });

  it('meeting starts the 20 s timeout; once the invitation is shown a person decides, bounded by the code expiry; the accept restarts 20 s', () => {
    for (const role of ['inviter', 'invitee'] as const) {
      const m = run(start(role), met(T0 + 1_000));
      expect(m).toMatchObject({ code: null, deadline: T0 + 1_000 + INVITATION_TIMEOUT_MS, state: { type: 'PendingEpoch', requiredResponses: 1, receivedResponses: 0 } });
      expect(stepInvitation(m, tick(m.deadline!)).state).toMatchObject({ type: 'Aborted', reason: INVITATION_ABORTS.timeout });
      const p = stepInvitation(m, presented(role));
      expect(p).toMatchObject({ presented: true, deadline: null });
      // The person takes a minute: no timeout; the code's expiry still ends it.
      expect(stepInvitation(p, tick(T0 + 60_000))).toBe(p);
      expect(stepInvitation(p, tick(EXPIRES)).state).toMatchObject({ type: 'Aborted', reason: INVITATION_ABORTS.expired });
      const a = stepInvitation(p, accepted(role, T0 + 70_000));
      expect(a).toMatchObject({ deadline: T0 + 70_000 + INVITATION_TIMEOUT_MS, state: { type: 'PendingEpoch', receivedResponses: 1 } });
      expect(stepInvitation(a, tick(EXPIRES - 1))).toMatchObject({ state: { type: 'Aborted', reason: INVITATION_ABORTS.timeout } });
    }
  });

  it('each side learns the other person: the invitee at presentation, the inviter from the accept', () => {
    expect(run(start('invitee'), met(), presented('invitee')).other).toEqual(ALICE);
    expect(run(start('inviter'), met(), presented('inviter')).other).toBeNull();
    // The inviter may miss the receipt: the accept alone moves it on, naming the invitee.
    expect(run(start('inviter'), met(), accepted('inviter'))).toMatchObject({ other: BOB, state: { receivedResponses: 1 } });
    // Events of the wrong shape for a role are ignored.
    const m = run(start('invitee'), met());
    expect(stepInvitation(m, presented('inviter'))).toBe(m);
    expect(stepInvitation(run(start('inviter'), met()), accepted('invitee')).state).toMatchObject({ receivedResponses: 0 });
  });

  it('the invitee answers only after it was shown who invites', () => {
    const m = run(start('invitee'), met());
    expect(stepInvitation(m, accepted('invitee'))).toBe(m);
    expect(stepInvitation(m, declined())).toBe(m);
    expect(run(m, presented('invitee'), accepted('invitee')).state).toMatchObject({ receivedResponses: 1 });
  });

  it('a decline aborts both sides (declined); after the accept it is ignored', () => {
    expect(run(start('invitee'), met(), presented('invitee'), declined()).state).toEqual({ type: 'Aborted', reason: INVITATION_ABORTS.declined, abortedAt: T0 + 3_000 });
    expect(run(start('inviter'), met(), declined()).state).toMatchObject({ type: 'Aborted', reason: INVITATION_ABORTS.declined });
    const a = run(start('inviter'), met(), accepted('inviter'));
    expect(stepInvitation(a, declined())).toBe(a);
  });

  it('a second device on the code before Committing aborts (ambiguous) and the first peer is kept', () => {
    for (const before of [run(start(), met()), run(start(), met(), accepted('inviter')), run(start('invitee'), met(T0, ALICE_DEV), presented('invitee'))]) {
      const after = stepInvitation(before, met(T0 + 3_000, INTRUDER));
      expect(after.state).toEqual({ type: 'Aborted', reason: INVITATION_ABORTS.ambiguous, abortedAt: T0 + 3_000 });
      expect(after.peer).toBe(before.peer);
    }
  });

  it('"committing" only after the accept; while Committing only "failed" or "committed" change it', () => {
    const m = run(start(), met(), presented('inviter'));
    expect(stepInvitation(m, committing)).toBe(m);
    const p = start();
    expect(stepInvitation(p, committed())).toBe(p);
    const c = inCommitting();
    expect(c.state).toEqual({ type: 'Committing' });
    for (const e of [tick(c.deadline!), tick(EXPIRES + 1), abort(T0), declined(), superseded, met(T0, INTRUDER), accepted('inviter')]) expect(stepInvitation(c, e), e.type).toBe(c);
    expect(stepInvitation(c, failed(T0 + 9)).state).toMatchObject({ type: 'Aborted', reason: 'storage failed' });
    expect(stepInvitation(c, committed())).toMatchObject({ state: { type: 'Committed', context: 'ctx-pair', committedAt: T0 + 4_000 } });
  });

  it('before Committing, cancel and supersession end it; finished ceremonies absorb every event', () => {
    for (const c of [start(), run(start(), met()), run(start(), met(), accepted('inviter'))]) {
      expect(stepInvitation(c, abort(T0 + 7)).state).toMatchObject({ type: 'Aborted', reason: INVITATION_ABORTS.cancelled });
      expect(stepInvitation(c, superseded)).toMatchObject({ code: null, state: { type: 'Superseded', by: 'inv-2', reason: 'NewerRequest' } });
    }
    const finished = [run(inCommitting(), committed()), run(start(), tick(EXPIRES)), run(start(), abort(T0)), run(start(), superseded), run(start(), met(), declined())];
    const every: InvitationEvent[] = [met(), met(T0, INTRUDER), presented('inviter'), presented('invitee'), accepted('inviter'), accepted('invitee'), declined(), committing, committed(), tick(EXPIRES + 1e9), abort(T0), failed(T0), superseded];
    for (const f of finished) {
      expect(isFinished(f)).toBe(true);
      for (const e of every) expect(stepInvitation(f, e), `${f.state.type} + ${e.type}`).toBe(f);
    }
  });
});

const peer = fc.constantFrom(ALICE_DEV, BOB_DEV, INTRUDER);
const at = fc.oneof(fc.integer({ min: T0 - 1_000, max: T0 + 60_000 }), fc.integer({ min: EXPIRES - 2_000, max: EXPIRES + 2_000 }));
const event: fc.Arbitrary<InvitationEvent> = fc.oneof(
  fc.record({ type: fc.constant('met' as const), peer, at }),
  fc.record({ type: fc.constant('presented' as const), inviter: fc.constantFrom(ALICE, null), at }),
  fc.record({ type: fc.constant('accepted' as const), invitee: fc.constantFrom(BOB, null), at }),
  fc.record({ type: fc.constant('declined' as const), at }),
  fc.constant(committing),
  fc.record({ type: fc.constant('committed' as const), context: fc.constant('ctx-pair'), at }),
  fc.record({ type: fc.constant('tick' as const), at }),
  fc.record({ type: fc.constant('abort' as const), reason: fc.constant(INVITATION_ABORTS.cancelled), at }),
  fc.record({ type: fc.constant('failed' as const), reason: fc.constant('storage failed'), at }),
  fc.constant(superseded),
);

describe('the invitation ceremony (properties)', () => {
  it('2 000 random event sequences: finished absorbs; the peer never changes once met; Committing only after the accept; an invitee accepts only once shown', () => {
    fc.assert(
      fc.property(fc.constantFrom<InvitationRole>('inviter', 'invitee'), fc.array(event, { maxLength: 40 }), (role, events) => {
        let prev = start(role);
        for (const e of events) {
          const next = stepInvitation(prev, e);
          if (isFinished(prev)) expect(next).toBe(prev);
          if (prev.peer !== null) expect(next.peer).toBe(prev.peer);
          if (next.code !== null) expect(next.state.type).toBe('Preparing');
          if (next.state.type === 'Committing' && prev.state.type !== 'Committing') expect(prev.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 1 });
          if (next.state.type === 'Committed' && prev.state.type !== 'Committed') expect(prev.state.type).toBe('Committing');
          if (next.state.type === 'PendingEpoch' && next.state.receivedResponses === 1) {
            expect(next.other).not.toBeNull();
            if (role === 'invitee') expect(next.presented).toBe(true);
          }
          if (next !== prev && next.state.type === 'Aborted' && next.state.reason === INVITATION_ABORTS.declined) expect(prev.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 0 });
          prev = next;
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
