import { describe, expect, it } from 'vitest';
import { acknowledgmentOf, EMPTY_ACKNOWLEDGMENT, type Acknowledgment } from '../../src/core/consistency/acknowledgment.ts';
import type { Agreement } from '../../src/core/consistency/agreement.ts';
import { initialConsistency } from '../../src/core/consistency/consistency.ts';
import { optimisticIndicator, optimisticProgress, optimisticStatusOf, type OptimisticIndicator } from '../../src/core/consistency/optimistic-status.ts';
import { OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import { COMPLETE, failed, LOCAL, syncing, type Propagation } from '../../src/core/consistency/propagation.ts';

const P: Agreement = { level: 'Provisional' };
const S: Agreement = { level: 'SoftSafe', cert: null };
const F: Agreement = { level: 'Finalized', consensusId: 'k' };
const bobCarol = acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }, { peer: 'carol', ackedAt: 2 }]);
const bobDave = acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }, { peer: 'dave', ackedAt: 2 }]);
const expected = ['bob', 'carol'];

const rows: [string, Agreement, Propagation, Acknowledgment | null, readonly string[], OptimisticIndicator][] = [
  ['just written', P, LOCAL, EMPTY_ACKNOWLEDGMENT, expected, 'Sending'],
  ['a peer reached: syncing', P, syncing(1, 2), null, expected, 'Syncing'],
  ['syncing with nobody reached is still sending', P, syncing(0, 2), null, expected, 'Sending'],
  ['one of two expected members acked: syncing', P, LOCAL, acknowledgmentOf([{ peer: 'carol', ackedAt: 1 }]), expected, 'Syncing'],
  ['acks from outside the expectation prove nothing', P, LOCAL, acknowledgmentOf([{ peer: 'dave', ackedAt: 1 }]), expected, 'Sending'],
  ['failed is still sending', P, failed(5, 1, 'offline'), null, expected, 'Sending'],
  ['complete propagation', P, COMPLETE, null, expected, 'Sent'],
  ['A2 is not finalized', S, COMPLETE, null, expected, 'Sent'],
  ['every expected peer acked', P, COMPLETE, bobCarol, expected, 'Delivered'],
  ['acks prove delivery even before sync completes', P, LOCAL, bobCarol, expected, 'Delivered'],
  ['acks in any order of expected', P, COMPLETE, bobCarol, ['carol', 'bob'], 'Delivered'],
  ['one expected peer missing', P, COMPLETE, acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }]), expected, 'Sent'],
  ['enough acks but from the wrong peer', P, COMPLETE, bobDave, expected, 'Sent'],
  ['nobody expected: no delivery claim', P, COMPLETE, EMPTY_ACKNOWLEDGMENT, [], 'Sent'],
  ['nobody expected, local', P, LOCAL, bobCarol, [], 'Sending'],
  ['finalized beats everything', F, LOCAL, null, expected, 'Finalized'],
  ['finalized and delivered', F, COMPLETE, bobCarol, expected, 'Finalized'],
];

describe('optimistic status indicator', () => {
  it.each(rows)('%s', (_, agreement, propagation, acknowledgment, exp, want) => {
    expect(optimisticIndicator({ agreement, propagation, acknowledgment }, exp)).toBe(want);
  });

  it('progress counts expected members that acked, else peers reached; none when nobody took it', () => {
    const status = (propagation: Propagation, acknowledgment: Acknowledgment | null) => ({ agreement: P, propagation, acknowledgment });
    expect(optimisticProgress(status(syncing(2, 3), acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }])), expected)).toEqual({ reached: 1, of: 2, unit: 'members' });
    expect(optimisticProgress(status(syncing(2, 3), bobDave), expected)).toEqual({ reached: 1, of: 2, unit: 'members' });
    expect(optimisticProgress(status(syncing(2, 3), null), expected)).toEqual({ reached: 2, of: 3, unit: 'peers' });
    expect(optimisticProgress(status(LOCAL, EMPTY_ACKNOWLEDGMENT), expected)).toBeNull();
    expect(optimisticProgress(status(failed(5, 1, 'x'), null), expected)).toBeNull();
  });

  it('derives the status from a Consistency', () => {
    const c = { ...initialConsistency(OPTIMISTIC, true), propagation: COMPLETE };
    expect(optimisticStatusOf(c)).toEqual({ agreement: P, propagation: COMPLETE, acknowledgment: EMPTY_ACKNOWLEDGMENT });
    expect(optimisticIndicator(optimisticStatusOf(c), expected)).toBe('Sent');
  });
});
