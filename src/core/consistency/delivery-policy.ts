import { compareStrings } from '../compare.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { FactKind } from '../facts/kinds/index.ts';
import type { AuthorityId, Namespace } from '../ids.ts';
import { containsAll, EMPTY_ACKNOWLEDGMENT } from './acknowledgment.ts';
import { isFinalized, isSafe } from './agreement.ts';
import type { Consistency } from './consistency.ts';

/** What a policy may ask the app about; supplied by the node from reduced state. */
export interface PolicyContext {
  /** Authorities that share a journal: a context's members, or just the authority for its own journal. */
  membersOf(ns: Namespace): readonly AuthorityId[];
}

/** App-defined meaning of "complete" for a kind of fact: who must ack it and when tracking may stop. */
export interface DeliveryPolicy {
  readonly name: string;
  expectedPeers(fact: ValidatedFact, ctx: PolicyContext): AuthorityId[];
  shouldDropTracking(consistency: Consistency, expected: readonly AuthorityId[]): boolean;
}

/** The fact's namespace members other than its author, sorted and without duplicates. */
export function membersOtherThanAuthor(fact: ValidatedFact, ctx: PolicyContext): AuthorityId[] {
  const author = fact.fact.author;
  return [...new Set(ctx.membersOf(fact.fact.ns))].filter((m) => m !== author).sort(compareStrings);
}

/**
 * Every expected peer acked. With no expected peers nothing is awaited, so tracking may stop (unlike the UI's
 * Delivered, which needs evidence). A fact without tracking counts as having no acks.
 */
function fullyAcked(c: Consistency, expected: readonly AuthorityId[]): boolean {
  return containsAll(c.acknowledgment ?? EMPTY_ACKNOWLEDGMENT, expected);
}

function standardPolicy(name: string, shouldDropTracking: DeliveryPolicy['shouldDropTracking']): DeliveryPolicy {
  return Object.freeze({ name, expectedPeers: membersOtherThanAuthor, shouldDropTracking });
}

export const DropWhenFinalized = standardPolicy('DropWhenFinalized', (c) => isFinalized(c.agreement));

export const DropWhenFullyAcked = standardPolicy('DropWhenFullyAcked', (c, expected) => fullyAcked(c, expected));

export const DropWhenFinalizedAndFullyAcked = standardPolicy(
  'DropWhenFinalizedAndFullyAcked',
  (c, expected) => isFinalized(c.agreement) && fullyAcked(c, expected),
);

export const DropWhenSafeAndFullyAcked = standardPolicy(
  'DropWhenSafeAndFullyAcked',
  (c, expected) => isSafe(c.agreement) && fullyAcked(c, expected),
);

/** Delivery policy per fact kind, with a fallback for kinds nobody registered. */
export class PolicyRegistry {
  private readonly byKind = new Map<FactKind, DeliveryPolicy>();

  constructor(readonly defaultPolicy: DeliveryPolicy) {}

  register(kind: FactKind, policy: DeliveryPolicy): this {
    this.byKind.set(kind, policy);
    return this;
  }

  policyForKind(kind: FactKind): DeliveryPolicy {
    return this.byKind.get(kind) ?? this.defaultPolicy;
  }

  getPolicy(fact: ValidatedFact): DeliveryPolicy {
    return this.policyForKind(fact.fact.kind);
  }
}

const CEREMONY_KINDS = ['ceremony.start', 'ceremony.response', 'ceremony.commit', 'ceremony.abort', 'ceremony.supersede'] as const;

/**
 * The app's defaults. Messages and other chat facts only need delivery (the default); ceremony facts matter
 * once committed; a relational binding (contact, guardian, membership) must be both final and known to every
 * member; proposals and votes must reach every voter and be at least A2 before we stop watching.
 */
export function standardPolicyRegistry(): PolicyRegistry {
  const r = new PolicyRegistry(DropWhenFullyAcked).register('chat.message', DropWhenFullyAcked);
  for (const k of CEREMONY_KINDS) r.register(k, DropWhenFinalized);
  return r
    .register('rel.binding', DropWhenFinalizedAndFullyAcked)
    .register('proposal.create', DropWhenSafeAndFullyAcked)
    .register('proposal.vote', DropWhenSafeAndFullyAcked);
}
