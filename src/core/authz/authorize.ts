import type { ValidatedFact } from '../facts/fact.ts';
import type { FactKind } from '../facts/kinds/index.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { RULES } from './rules.ts';
import type { AuthzVerdict } from './verdict.ts';

/**
 * Whether a valid fact counts in its namespace, judged from that namespace's reduced state (undefined: an
 * empty journal). Pure and deterministic; the same rule serves admission and the reducers.
 */
export function authorize(f: ValidatedFact, st: NamespaceState | undefined): AuthzVerdict {
  return (RULES[f.fact.kind] as (f: ValidatedFact, st: NamespaceState | undefined) => AuthzVerdict)(f, st);
}

/**
 * Kinds with a protocol today. Admission refuses every other kind rather than trusting it; reducers still
 * judge every kind by its rule.
 */
export const enabledKinds: ReadonlySet<FactKind> = new Set<FactKind>([
  'authority.genesis',
  'tree.op',
  'consensus.commit',
  'rel.binding',
  'chat.channel',
  'chat.message',
  'chat.reaction',
  'chat.topic',
  'chat.rename',
  'profile.name',
  'group.create',
  'group.response',
  'group.invitation',
  'group.rekey',
  'proposal.create',
  'proposal.vote',
  'guardian.request',
  'guardian.answer',
  'guardian.ready',
  'guardian.key',
  'recovery.approve',
  'recovery.cancel',
  'recovery.reshare',
  'maint.snapshotProposed',
  'maint.snapshotCompleted',
  'maint.cacheInvalidated',
  'maint.upgradeActivated',
  'maint.adminReplacement',
  'receipt.forward',
]);

export function isEnabledKind(kind: string): boolean {
  return enabledKinds.has(kind as FactKind);
}
