import { describe, expect, it } from 'vitest';
import { acknowledgmentOf, EMPTY_ACKNOWLEDGMENT } from '../../src/core/consistency/acknowledgment.ts';
import type { Agreement } from '../../src/core/consistency/agreement.ts';
import { initialConsistency, type Consistency } from '../../src/core/consistency/consistency.ts';
import {
  DropWhenFinalized,
  DropWhenFinalizedAndFullyAcked,
  DropWhenFullyAcked,
  DropWhenSafeAndFullyAcked,
  membersOtherThanAuthor,
  PolicyRegistry,
  standardPolicyRegistry,
  type DeliveryPolicy,
  type PolicyContext,
} from '../../src/core/consistency/delivery-policy.ts';
import { OPTIMISTIC } from '../../src/core/consistency/operation-category.ts';
import { KINDS, type FactKind } from '../../src/core/facts/kinds/index.ts';
import { contextNamespace, type Namespace } from '../../src/core/ids.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('ctx-1');
const ctx: PolicyContext = {
  membersOf: (n: Namespace) => (n === ns ? ['carol', 'alice', 'bob', 'carol'] : []),
};
const alice = new Writer(deviceKey('alice'), 'alice', ns);
const channel = alice.fact('chat.channel', { name: 'general' });
const message = alice.fact('chat.message', { channel: channel.id, text: 'hi', ack: true });

const levels: Record<string, Agreement> = {
  A1: { level: 'Provisional' },
  A2: { level: 'SoftSafe', cert: { certId: 'c', witnesses: ['w'] } },
  A3: { level: 'Finalized', consensusId: 'k' },
};
const acks = {
  none: null,
  partial: acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }]),
  full: acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }, { peer: 'carol', ackedAt: 2 }]),
};
const expected = ['bob', 'carol'];

function consistency(level: keyof typeof levels, ack: keyof typeof acks): Consistency {
  return { ...initialConsistency(OPTIMISTIC, true), agreement: levels[level]!, acknowledgment: acks[ack] };
}

/** Whether each policy drops, for every (agreement level, ack state) pair, in a fixed order. */
function truthTable(p: DeliveryPolicy): string[] {
  const out: string[] = [];
  for (const level of ['A1', 'A2', 'A3'] as const)
    for (const ack of ['none', 'partial', 'full'] as const) if (p.shouldDropTracking(consistency(level, ack), expected)) out.push(`${level}/${ack}`);
  return out;
}

describe('standard delivery policies', () => {
  it('DropWhenFinalized drops at A3 only, whatever the acks', () => {
    expect(truthTable(DropWhenFinalized)).toEqual(['A3/none', 'A3/partial', 'A3/full']);
  });

  it('DropWhenFullyAcked drops once every expected peer acked, whatever the agreement', () => {
    expect(truthTable(DropWhenFullyAcked)).toEqual(['A1/full', 'A2/full', 'A3/full']);
  });

  it('DropWhenFinalizedAndFullyAcked needs both', () => {
    expect(truthTable(DropWhenFinalizedAndFullyAcked)).toEqual(['A3/full']);
  });

  it('DropWhenSafeAndFullyAcked needs A2 or A3 and every ack', () => {
    expect(truthTable(DropWhenSafeAndFullyAcked)).toEqual(['A2/full', 'A3/full']);
  });

  it('acks from unexpected peers do not count as full', () => {
    const c = { ...consistency('A3', 'none'), acknowledgment: acknowledgmentOf([{ peer: 'bob', ackedAt: 1 }, { peer: 'mallory', ackedAt: 1 }]) };
    for (const p of [DropWhenFullyAcked, DropWhenFinalizedAndFullyAcked, DropWhenSafeAndFullyAcked]) expect(p.shouldDropTracking(c, expected)).toBe(false);
  });

  it('with no expected peers nothing is awaited', () => {
    const c = { ...consistency('A1', 'none'), acknowledgment: EMPTY_ACKNOWLEDGMENT };
    expect(DropWhenFullyAcked.shouldDropTracking(c, [])).toBe(true);
    expect(DropWhenFinalizedAndFullyAcked.shouldDropTracking(c, [])).toBe(false);
  });

  it('expects every member of the fact namespace except the author, sorted, once', () => {
    for (const p of [DropWhenFinalized, DropWhenFullyAcked, DropWhenFinalizedAndFullyAcked, DropWhenSafeAndFullyAcked]) {
      expect(p.expectedPeers(message, ctx)).toEqual(['bob', 'carol']);
    }
    const bob = new Writer(deviceKey('bob'), 'bob', ns).fact('chat.message', { channel: channel.id, text: 'yo', ack: true });
    expect(membersOtherThanAuthor(bob, ctx)).toEqual(['alice', 'carol']);
  });
});

describe('PolicyRegistry', () => {
  it('falls back to the default for unregistered kinds', () => {
    const r = new PolicyRegistry(DropWhenFinalized).register('chat.message', DropWhenFullyAcked);
    expect(r.getPolicy(message)).toBe(DropWhenFullyAcked);
    expect(r.getPolicy(channel)).toBe(DropWhenFinalized);
  });

  it('registers the standard defaults', () => {
    const r = standardPolicyRegistry();
    const want: Partial<Record<FactKind, DeliveryPolicy>> = {
      'chat.message': DropWhenFullyAcked,
      'ceremony.start': DropWhenFinalized,
      'ceremony.response': DropWhenFinalized,
      'ceremony.commit': DropWhenFinalized,
      'ceremony.abort': DropWhenFinalized,
      'ceremony.supersede': DropWhenFinalized,
      'rel.binding': DropWhenFinalizedAndFullyAcked,
      'proposal.create': DropWhenSafeAndFullyAcked,
      'proposal.vote': DropWhenSafeAndFullyAcked,
    };
    for (const kind of Object.keys(KINDS) as FactKind[]) expect(r.policyForKind(kind).name).toBe((want[kind] ?? DropWhenFullyAcked).name);
    expect(r.defaultPolicy).toBe(DropWhenFullyAcked);
  });
});
