import { isKind, type ValidatedFact } from '../facts/fact.ts';
import { namespaceKind } from '../ids.ts';
import { isValidMemberBinding, MEMBER_BINDING } from '../reduce/membership.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { bindingOf } from '../reduce/relational.ts';
import { ALLOW, wait, waitKey, type AuthzVerdict } from './verdict.ts';

/** A member self-join: it authorizes itself, since it carries its author's genesis as proof of device. */
export function isMemberJoin(f: ValidatedFact): boolean {
  return isKind(f, 'rel.binding') && f.fact.body.bindingType === MEMBER_BINDING && isValidMemberBinding(bindingOf(f));
}

/**
 * Who may write in a namespace at all: in a context, a member from a device it proved by its self-join
 * (`mayWrite`); in an authority journal, a device of that authority's tree (validation already checked
 * that the author is the authority).
 */
export function writerVerdict(f: ValidatedFact, st: NamespaceState | undefined): AuthzVerdict {
  const { author, device } = f.fact;
  if (namespaceKind(f.fact.ns) === 'authority') return st?.tree.devices.has(device) ? ALLOW : wait(waitKey.device(device));
  return st?.authz.members.get(author)?.has(device) ? ALLOW : wait(waitKey.member(author, device));
}
