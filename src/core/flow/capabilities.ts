import type { AuthorityId, ContextId } from '../ids.ts';

/** A capability within a context, named `<area>:<action>` (e.g. 'chat:send'). */
export type Right = string;

/**
 * Who belongs to one context and what each member may do. An authority absent from `rights` is not a
 * member; a member with an empty set may receive the context's facts but do nothing else.
 */
export interface MembershipView {
  readonly context: ContextId;
  readonly rights: ReadonlyMap<AuthorityId, ReadonlySet<Right>>;
}

export function isMember(view: MembershipView, authority: AuthorityId): boolean {
  return view.rights.has(authority);
}

export function holdsRight(view: MembershipView, authority: AuthorityId, right: Right): boolean {
  return view.rights.get(authority)?.has(right) ?? false;
}
