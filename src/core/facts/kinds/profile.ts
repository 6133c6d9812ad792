import { obj, str, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

/**
 * An authority's display name from now on (the genesis name is the first). Written in its own journal (its
 * devices) and in every context it is a member of (the others there): names travel with the journals that
 * already reach each reader. The latest by fact order wins; the author is the one named.
 */
export const ProfileNameSet = obj({ name: str({ min: 1, max: 64 }) });
export type ProfileNameSet = Infer<typeof ProfileNameSet>;

export const profileKinds = {
  'profile.name': kind('any', ProfileNameSet),
};
