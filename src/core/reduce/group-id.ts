import { hashValue } from '../crypto/hash.ts';
import type { AuthorityId, ContextId } from '../ids.ts';

const PREFIX = 'g-';
const NONCE = /^[0-9a-f]{32}$/;

const creatorTag = (creator: AuthorityId, nonce: string) => hashValue('aura/group/creator', [creator, nonce]).slice(0, 32);

/**
 * A group's context id names its creator without revealing it: `g-<nonce>-<H(creator, nonce)>`. So only the
 * creator can write the roster genesis and join without an invitation, and the id alone says that the
 * context is a group (its joins wait for the roster) rather than an "anyone with the link" channel.
 */
export function groupContextId(creator: AuthorityId, nonceHex: string): ContextId {
  return `${PREFIX}${nonceHex}-${creatorTag(creator, nonceHex)}`;
}

export function isGroupContext(id: ContextId): boolean {
  return id.startsWith(PREFIX);
}

export function isGroupCreator(id: ContextId, author: AuthorityId): boolean {
  const [nonce, tag] = id.slice(PREFIX.length).split('-');
  return isGroupContext(id) && nonce !== undefined && NONCE.test(nonce) && tag === creatorTag(author, nonce);
}
