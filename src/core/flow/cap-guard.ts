import type { AuthorityId } from '../ids.ts';
import { holdsRight, isMember, type MembershipView } from './capabilities.ts';
import type { AuthorizationDenied } from './guard-errors.ts';
import type { SendRequest } from './guard-input.ts';

/**
 * First guard: the sender must be a member holding the right, and every recipient must be a member,
 * because a context's facts never go to outsiders (spec 000 §2 context isolation). A view of another
 * context proves nothing about this one, so it denies.
 */
export function capGuard(req: SendRequest, peers: readonly AuthorityId[], view: MembershipView): AuthorizationDenied | null {
  if (view.context !== req.context || !isMember(view, req.sender)) {
    return { code: 'AuthorizationDenied', reason: 'NotMember', right: req.right };
  }
  if (!holdsRight(view, req.sender, req.right)) return { code: 'AuthorizationDenied', reason: 'MissingRight', right: req.right };
  const outsider = peers.find((p) => !isMember(view, p));
  if (outsider !== undefined) return { code: 'AuthorizationDenied', reason: 'PeerNotMember', right: req.right, peer: outsider };
  return null;
}
