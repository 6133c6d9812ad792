import type { ValidatedFact } from '../facts/fact.ts';
import { namespaceId, type AuthorityId } from '../ids.ts';
import { isGroupContext, isGroupCreator } from '../reduce/group-id.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { ALLOW, refuse, wait, waitKey, type AuthzVerdict } from './verdict.ts';

/**
 * Group contexts (DESIGN §7): their id names the creator, whose roster genesis lists the invitees. Only those
 * may ever join, answer or hand out a key; everything else about membership (who accepted, who was removed
 * since) is the roster's fold, not a rule here, because it is not monotone in the fact set.
 */
function invited(f: ValidatedFact, st: NamespaceState | undefined): AuthzVerdict {
  const context = namespaceId(f.fact.ns);
  if (isGroupCreator(context, f.fact.author)) return ALLOW;
  const create = st?.groups.create.get('');
  if (create === undefined) return wait(waitKey.group);
  return create.fact.body.invitees.includes(f.fact.author as AuthorityId) ? ALLOW : refuse('NotInvited');
}

/** A self-join into a group context: only its creator and invitees; any other context admits any holder of the secret. */
export function groupJoin(f: ValidatedFact, st: NamespaceState | undefined): AuthzVerdict {
  return isGroupContext(namespaceId(f.fact.ns)) ? invited(f, st) : ALLOW;
}

/** The roster genesis: only in a group context, by the creator its id names. */
export function groupCreator(f: ValidatedFact<'group.create'>): AuthzVerdict {
  return isGroupCreator(namespaceId(f.fact.ns), f.fact.author) ? ALLOW : refuse('NotGroupCreator');
}

/** An answer or a key: only in a group context, by its creator or an invitee. */
export function groupParty(f: ValidatedFact, st: NamespaceState | undefined): AuthzVerdict {
  return isGroupContext(namespaceId(f.fact.ns)) ? invited(f, st) : refuse('NotAGroup');
}
