import { describe, expect, it } from 'vitest';
import {
  ceremony,
  deferred,
  isOperation,
  joinOperationCategory,
  OPERATION_CATEGORIES,
  operationCategory,
  OPTIMISTIC,
  type Operation,
} from '../../src/core/consistency/operation-category.ts';

// DESIGN.md §8, restated here so a change to the table must be deliberate.
const EXPECTED: Record<Operation, 'A' | 'B' | 'C'> = {
  sendMessage: 'A',
  react: 'A',
  editProfile: 'A',
  createChannel: 'A',
  setChannelTopic: 'A',
  changeMemberPermissions: 'B',
  removeMember: 'B',
  transferOwnership: 'B',
  archiveChannel: 'B',
  changeThresholdPolicy: 'B',
  addContact: 'C',
  createGroup: 'C',
  enrollDevice: 'C',
  removeDevice: 'C',
  rotateGuardians: 'C',
  recoverAuthority: 'C',
  activateUpgrade: 'C',
};

describe('operation categories', () => {
  it('covers exactly the operations of the app with their categories', () => {
    expect(Object.keys(OPERATION_CATEGORIES).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const op of Object.keys(EXPECTED) as Operation[]) expect(operationCategory(op)).toBe(EXPECTED[op]);
  });

  it('has 5 optimistic, 5 deferred and 7 ceremony operations', () => {
    const counts = { A: 0, B: 0, C: 0 };
    for (const c of Object.values(OPERATION_CATEGORIES)) counts[c]++;
    expect(counts).toEqual({ A: 5, B: 5, C: 7 });
  });

  it('recognises only known operation names', () => {
    expect(isOperation('sendMessage')).toBe(true);
    expect(isOperation('launchMissiles')).toBe(false);
    expect(isOperation('toString')).toBe(false);
  });

  it('joins mismatched categories Optimistic < Deferred < Ceremony, then by larger id', () => {
    expect(joinOperationCategory(OPTIMISTIC, deferred('q1'))).toEqual(deferred('q1'));
    expect(joinOperationCategory(ceremony('r0'), deferred('q9'))).toEqual(ceremony('r0'));
    expect(joinOperationCategory(deferred('q1'), deferred('q2'))).toEqual(deferred('q2'));
    expect(joinOperationCategory(ceremony('r3'), ceremony('r2'))).toEqual(ceremony('r3'));
  });
});
