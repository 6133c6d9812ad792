import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ABORT_REASONS,
  ENROLLMENT_TIMEOUT_MS,
  isFinished,
  startEnrollment,
  stepEnrollment,
  type EnrollmentCeremony,
  type EnrollmentEvent,
  type EnrollmentRole,
} from '../../src/core/rendezvous/enrollment.ts';

const T0 = 1_800_000_000_000;
const EXPIRES = T0 + 600_000;
const AUTHORITY = 'bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const [PHONE, LAPTOP, INTRUDER] = ['dev-phone', 'dev-laptop', 'dev-intruder'] as const;

const start = (role: EnrollmentRole = 'initiator') => startEnrollment('cer-1', role, role === 'initiator' ? 'aura-rdv:code' : null, EXPIRES, role === 'initiator' ? AUTHORITY : null);
const run = (c: EnrollmentCeremony, ...events: EnrollmentEvent[]) => events.reduce(stepEnrollment, c);
const met = (at = T0 + 1_000, peer: string = PHONE): EnrollmentEvent => ({ type: 'met', peer, at });
const responded: EnrollmentEvent = { type: 'responded', authority: AUTHORITY, epoch: 4 };
const committing: EnrollmentEvent = { type: 'committing' };
const committed = (at = T0 + 2_000): EnrollmentEvent => ({ type: 'committed', treeOp: 'bafy-op', epoch: 4, at });
const tick = (at: number): EnrollmentEvent => ({ type: 'tick', at });
const abort = (at: number, reason: string = ABORT_REASONS.cancelled): EnrollmentEvent => ({ type: 'abort', reason, at });
const failed = (at: number): EnrollmentEvent => ({ type: 'failed', reason: 'storage failed', at });
const superseded: EnrollmentEvent = { type: 'superseded', by: 'cer-2' };

/** Met at T0 + 1 s, the package opened and confirmed, the AddLeaf being written. */
const inCommitting = () => run(start(), met(), responded, committing);

describe('the enrollment ceremony (pure state machine)', () => {
  it('starts Preparing with the code shown; the code expires at `expires` with ABORT_REASONS.expired', () => {
    for (const role of ['initiator', 'joiner'] as const) {
      const c = start(role);
      expect(c).toMatchObject({ role, peer: null, deadline: null, expires: EXPIRES, state: { type: 'Preparing' } });
      expect(isFinished(c)).toBe(false);
      // Before the expiry nothing happens (the same object: no change is reported).
      expect(stepEnrollment(c, tick(EXPIRES - 1))).toBe(c);
      for (const at of [EXPIRES, EXPIRES + 1, EXPIRES + 3_600_000]) {
        const done = stepEnrollment(c, tick(at));
        expect(done.state).toEqual({ type: 'Aborted', reason: ABORT_REASONS.expired, abortedAt: at });
        expect(done.code).toBeNull();
        expect(isFinished(done)).toBe(true);
      }
    }
    expect(start('initiator').code).toBe('aura-rdv:code');
  });

  it('meeting the other device hides the code and starts the 45 s protocol timeout; silence until the deadline aborts with ABORT_REASONS.timeout', () => {
    const m = run(start(), met(T0 + 1_000));
    expect(m).toMatchObject({ peer: PHONE, code: null, deadline: T0 + 1_000 + ENROLLMENT_TIMEOUT_MS, state: { type: 'PendingEpoch', requiredResponses: 1, receivedResponses: 0 } });
    // Meeting the same device again (a repeated offer) changes nothing.
    expect(stepEnrollment(m, met(T0 + 5_000))).toBe(m);
    expect(stepEnrollment(m, tick(m.deadline! - 1))).toBe(m);
    // Once met, the code's own expiry no longer matters: only the protocol deadline does.
    const lateMeeting = run(start(), met(EXPIRES - 10));
    expect(stepEnrollment(lateMeeting, tick(EXPIRES + 5))).toBe(lateMeeting);
    for (const at of [m.deadline!, m.deadline! + 60_000]) expect(stepEnrollment(m, tick(at)).state).toEqual({ type: 'Aborted', reason: ABORT_REASONS.timeout, abortedAt: at });
    // A response that never leads to the commit does not stop the clock either.
    const r = stepEnrollment(m, responded);
    expect(r.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 1, pendingEpoch: 4 });
    expect(r.authority).toBe(AUTHORITY);
    expect(stepEnrollment(r, tick(m.deadline!)).state).toMatchObject({ type: 'Aborted', reason: ABORT_REASONS.timeout });
  });

  // After the response too: a joiner that confirmed cannot tell which of two code holders is the real initiator.
  // (On the network this lets a late intruder make the joiner give up while the initiator commits its AddLeaf:
  // see test/adversarial/enrollment.test.ts, "while the AddLeaf ... is being written".)
  it('a second, different device meeting us while PendingEpoch aborts the ceremony as ambiguous (before or after the response)', () => {
    for (const before of [run(start(), met()), run(start(), met(), responded), run(start('joiner'), met(T0, LAPTOP))]) {
      const other = before.peer === PHONE ? INTRUDER : PHONE;
      const after = stepEnrollment(before, met(T0 + 3_000, other));
      expect(after.state).toEqual({ type: 'Aborted', reason: ABORT_REASONS.ambiguous, abortedAt: T0 + 3_000 });
      // The device met first is kept as it was; the intruder never becomes the peer.
      expect(after.peer).toBe(before.peer);
      expect(isFinished(after)).toBe(true);
    }
  });

  it('"committing" before a response is ignored: in Preparing and in PendingEpoch with no response', () => {
    const p = start();
    expect(stepEnrollment(p, committing)).toBe(p);
    const m = run(start(), met());
    expect(stepEnrollment(m, committing)).toBe(m);
    // A response before the meeting is ignored too, so it cannot unlock the commit later.
    expect(stepEnrollment(p, responded)).toBe(p);
    expect(run(p, responded, met(), committing).state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 0 });
    // A commit without a peer is ignored.
    expect(stepEnrollment(p, committed())).toBe(p);
    // Met and responded: now it moves on.
    expect(run(m, responded, committing).state).toEqual({ type: 'Committing' });
  });

  it('while Committing (the AddLeaf is being written): past the deadline, cancel, supersession and another device change nothing; only "failed" does', () => {
    const c = inCommitting();
    expect(c.state).toEqual({ type: 'Committing' });
    for (const e of [tick(c.deadline!), tick(c.deadline! + 3_600_000), tick(EXPIRES + 1), abort(c.deadline! + 1), abort(T0, ABORT_REASONS.timeout), superseded, met(T0 + 9_000, INTRUDER), met(T0 + 9_000), committing, responded]) {
      expect(stepEnrollment(c, e), e.type).toBe(c);
    }
    expect(stepEnrollment(c, failed(T0 + 9_999)).state).toEqual({ type: 'Aborted', reason: 'storage failed', abortedAt: T0 + 9_999 });
    expect(stepEnrollment(c, committed(T0 + 3_000))).toMatchObject({ code: null, state: { type: 'Committed', treeOp: 'bafy-op', epoch: 4, committedAt: T0 + 3_000 } });
  });

  it('before Committing, cancel, supersession and failure end the ceremony', () => {
    for (const c of [start(), run(start(), met()), run(start(), met(), responded)]) {
      expect(stepEnrollment(c, abort(T0 + 7))).toMatchObject({ code: null, state: { type: 'Aborted', reason: ABORT_REASONS.cancelled, abortedAt: T0 + 7 } });
      expect(stepEnrollment(c, failed(T0 + 8)).state).toMatchObject({ type: 'Aborted', reason: 'storage failed' });
      expect(stepEnrollment(c, superseded)).toMatchObject({ code: null, state: { type: 'Superseded', by: 'cer-2', reason: 'NewerRequest' } });
    }
  });

  it('finished ceremonies (Committed, Aborted, Superseded) absorb every event', () => {
    const finished = [
      run(inCommitting(), committed()),
      run(start(), tick(EXPIRES)),
      run(start(), met(), tick(T0 + 1_000 + ENROLLMENT_TIMEOUT_MS)),
      run(start(), met(), met(T0 + 2_000, INTRUDER)),
      run(start(), abort(T0)),
      run(inCommitting(), failed(T0 + 5)),
      run(start(), superseded),
    ];
    const every: EnrollmentEvent[] = [met(), met(T0, INTRUDER), responded, committing, committed(), tick(T0), tick(EXPIRES + 1e9), abort(T0 + 1), failed(T0 + 1), superseded];
    for (const f of finished) {
      expect(isFinished(f)).toBe(true);
      for (const e of every) expect(stepEnrollment(f, e), `${f.state.type} + ${e.type}`).toBe(f);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over arbitrary event sequences.

const peer = fc.constantFrom(PHONE, LAPTOP, INTRUDER);
/** Times around the interesting instants: the meeting, the deadline, the code's expiry. */
const at = fc.oneof(fc.integer({ min: T0 - 1_000, max: T0 + 120_000 }), fc.integer({ min: EXPIRES - 2_000, max: EXPIRES + 2_000 }));
const event: fc.Arbitrary<EnrollmentEvent> = fc.oneof(
  fc.record({ type: fc.constant('met' as const), peer, at }),
  fc.record({ type: fc.constant('responded' as const), authority: fc.constant(AUTHORITY), epoch: fc.nat(9) }),
  fc.constant(committing),
  fc.record({ type: fc.constant('committed' as const), treeOp: fc.constant('bafy-op'), epoch: fc.nat(9), at }),
  fc.record({ type: fc.constant('tick' as const), at }),
  fc.record({ type: fc.constant('abort' as const), reason: fc.constantFrom(ABORT_REASONS.cancelled, 'other'), at }),
  fc.record({ type: fc.constant('failed' as const), reason: fc.constant('storage failed'), at }),
  fc.record({ type: fc.constant('superseded' as const), by: fc.constant('cer-2') }),
);
const scenario = fc.record({ role: fc.constantFrom<EnrollmentRole>('initiator', 'joiner'), events: fc.array(event, { maxLength: 40 }) });

/** Every state a sequence of events goes through, from the start. */
function trace(role: EnrollmentRole, events: readonly EnrollmentEvent[]): EnrollmentCeremony[] {
  const states = [start(role)];
  for (const e of events) states.push(stepEnrollment(states[states.length - 1]!, e));
  return states;
}

describe('the enrollment ceremony (properties)', () => {
  it('once finished it never changes; the peer never changes once met; Committed only after met, and never after another device showed up', () => {
    fc.assert(
      fc.property(scenario, ({ role, events }) => {
        const states = trace(role, events);
        for (let i = 1; i < states.length; i++) {
          const [prev, next, e] = [states[i - 1]!, states[i]!, events[i - 1]!];
          if (isFinished(prev)) expect(next).toBe(prev);
          if (prev.peer !== null) expect(next.peer).toBe(prev.peer);
          // The code is shown only while Preparing.
          if (next.code !== null) expect(next.state.type).toBe('Preparing');
          if (next.state.type === 'Committed' && prev.state.type !== 'Committed') {
            expect(e.type).toBe('committed');
            expect(prev.peer).not.toBeNull();
            expect(prev.state.type === 'PendingEpoch' || prev.state.type === 'Committing').toBe(true);
          }
          // A device other than the one met, before the AddLeaf is being written, ends the ceremony.
          if (e.type === 'met' && prev.peer !== null && e.peer !== prev.peer && prev.state.type === 'PendingEpoch') {
            expect(next.state).toMatchObject({ type: 'Aborted', reason: ABORT_REASONS.ambiguous });
          }
          // Committing is entered only from PendingEpoch with the response in.
          if (next.state.type === 'Committing' && prev.state.type !== 'Committing') {
            expect(prev.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 1 });
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  // 'committed' outside Committing is ignored: Committed ⇒ a response was received (CeremonyStatus invariant).
  it('Committed is only reachable after met AND responded (through Committing)', () => {
    expect(run(start(), met(), committed()).state.type).toBe('PendingEpoch');
    fc.assert(
      fc.property(scenario, ({ role, events }) => {
        const states = trace(role, events);
        for (let i = 1; i < states.length; i++) {
          const [prev, next] = [states[i - 1]!, states[i]!];
          if (next.state.type === 'Committed' && prev.state.type !== 'Committed') {
            expect(prev.state.type).toBe('Committing');
            expect(states.slice(0, i).some((s) => s.state.type === 'PendingEpoch' && s.state.receivedResponses >= 1)).toBe(true);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
