import { compareStrings } from '../compare.ts';
import type { MembershipView, Right } from '../flow/capabilities.ts';
import type { AuthorityId, ContextId } from '../ids.ts';
import { listChannels } from './chat.ts';
import type { NamespaceState } from './namespace-reducer.ts';
import { listBindings } from './relational.ts';

/** What a member of a context may do; the authority that created a channel in it may also invite. */
export const MEMBER_RIGHTS: readonly Right[] = ['chat:send', 'chat:react', 'chat:topic'];
export const OWNER_RIGHTS: readonly Right[] = [...MEMBER_RIGHTS, 'member:invite'];

/** Binding type that makes authorities members of the context it is written in. */
export const MEMBER_BINDING = 'member';

/**
 * Who belongs to a context, read from its reduced journal: channel creators own it, 'member' bindings add
 * members. Rights only grow with facts, so membership is monotone like the journal it comes from.
 */
export function contextMembership(context: ContextId, st: NamespaceState): MembershipView {
  const rights = new Map<AuthorityId, Set<Right>>();
  const grant = (a: AuthorityId, rs: readonly Right[]) => {
    const set = rights.get(a) ?? new Set<Right>();
    for (const r of rs) set.add(r);
    rights.set(a, set);
  };
  for (const ch of listChannels(st.chat)) grant(ch.creator, OWNER_RIGHTS);
  for (const b of listBindings(st.relational)) if (b.bindingType === MEMBER_BINDING) for (const a of b.authorities) grant(a, MEMBER_RIGHTS);
  return { context, rights };
}

/** Members, sorted. */
export function contextMembers(view: MembershipView): AuthorityId[] {
  return [...view.rights.keys()].sort(compareStrings);
}
