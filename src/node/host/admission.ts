import type { ValidatedFact } from '../../core/facts/fact.ts';
import { authorize, isEnabledKind } from '../../core/authz/index.ts';
import { retiredAdminVerdict } from '../../core/authz/group-admin-rules.ts';
import type { NamespaceState } from '../../core/reduce/namespace-reducer.ts';
import { isRevoked, revocations } from '../../core/reduce/membership.ts';
import { orderTimeOf } from '../../core/facts/fact.ts';
import { namespaceKind } from '../../core/ids.ts';

/** What admission does with a valid received fact: commit it, keep it waiting, or refuse it (typed, counted). */
export type AdmissionVerdict = 'ok' | 'wait' | { readonly refuse: string };

/**
 * Authorization as part of validity (DESIGN §3): the same pure rule the reducers apply, judged against the
 * journal's reduced state. Kinds whose protocol does not exist yet are refused rather than trusted.
 */
export function admission(f: ValidatedFact, st: NamespaceState | undefined): AdmissionVerdict {
  if (!isEnabledKind(f.fact.kind)) return { refuse: 'NoProtocol' };
  // A device its authority removed writes for nobody from then on (its bindings prove the removal).
  if (st && namespaceKind(f.fact.ns) === 'context' && isRevoked(revocations(st), f.fact.author, f.fact.device, orderTimeOf(f.fact))) return { refuse: 'DeviceRemoved' };
  // A group admin a handover retired no longer renames, sets topics or hands over (`retiredAdminVerdict`).
  const retired = retiredAdminVerdict(f, st);
  if ('refuse' in retired) return { refuse: retired.refuse };
  const v = authorize(f, st);
  if (v.ok) return 'ok';
  return 'wait' in v ? 'wait' : { refuse: v.refuse };
}
