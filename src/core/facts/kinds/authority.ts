import { bytes, deviceId, obj, str, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

/** The first fact of an authority. AuthorityId = CID of this body's canonical bytes; one device leaf, threshold 1. */
export const GenesisBody = obj({ device: deviceId, nonce: bytes({ len: 16 }) }, { name: str({ max: 64 }) });
export type GenesisBody = Infer<typeof GenesisBody>;

export const authorityKinds = {
  'authority.genesis': kind('authority', GenesisBody),
};
