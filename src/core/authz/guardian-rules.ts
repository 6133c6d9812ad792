import type { ValidatedFact } from '../facts/fact.ts';
import { guardianCeremonyId } from '../reduce/guardians.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { ALLOW, refuse, wait, waitKey, type AuthzVerdict } from './verdict.ts';

type St = NamespaceState | undefined;

/** A request's ceremony id must be the one its author and channel make (`guardianCeremonyId`). */
export function ownCeremony(f: ValidatedFact<'guardian.request'>): AuthzVerdict {
  return f.fact.body.ceremony === guardianCeremonyId(f.fact.author, f.fact.body.channel) ? ALLOW : refuse('InvalidCeremony');
}

/** An answer or a key: only from a guardian the ceremony's request names, never from the one who asked. */
export function namedGuardian(f: ValidatedFact<'guardian.answer' | 'guardian.key'>, st: St): AuthzVerdict {
  const request = st?.guardians.requests.get(f.fact.body.ceremony);
  if (request === undefined) return wait(waitKey.ceremony(f.fact.body.ceremony));
  return request.fact.author !== f.fact.author && request.fact.body.guardians.includes(f.fact.author) ? ALLOW : refuse('NotAGuardian');
}

/** The device list: only from the authority that asked. */
export function guardianInitiator(f: ValidatedFact<'guardian.ready'>, st: St): AuthzVerdict {
  const request = st?.guardians.requests.get(f.fact.body.ceremony);
  if (request === undefined) return wait(waitKey.ceremony(f.fact.body.ceremony));
  return request.fact.author === f.fact.author ? ALLOW : refuse('NotCeremonyParty');
}

/** Nobody approves its own recovery. */
export function notSelf(f: ValidatedFact<'recovery.approve'>): AuthzVerdict {
  return f.fact.body.authority === f.fact.author ? refuse('SelfApproval') : ALLOW;
}
