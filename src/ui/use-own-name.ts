import { useNodeQuery } from '../node/hooks.ts';

/**
 * This identity's display name as every reader shows it (`names.nameOf`: a stated 'profile.name' overrides
 * the name the identity was made with); null before an identity.
 */
export function useOwnName(): string | null {
  return useNodeQuery((n) => {
    const me = n.identity();
    return me && n.names.nameOf(me.authorityId);
  });
}
