import type { DeviceKey } from '../crypto/ed25519.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { cidOf } from '../encoding/cid.ts';
import { authorityNamespace, type AuthorityId } from '../ids.ts';
import { createFact } from './create.ts';
import type { ValidatedFact } from './fact.ts';
import type { Hlc } from './hlc.ts';
import type { GenesisBody } from './kinds/authority.ts';

export function authorityIdOf(body: GenesisBody): AuthorityId {
  return cidOf(encodeCanonical(body));
}

/** Creates a new authority: its id is the CID of the genesis body, so it survives key rotation. */
export function createGenesis(key: DeviceKey, nonce: Uint8Array, time: Hlc, name?: string): ValidatedFact<'authority.genesis'> {
  const body: GenesisBody = name === undefined ? { device: key.deviceId, nonce } : { device: key.deviceId, nonce, name };
  const author = authorityIdOf(body);
  return createFact(key, { ns: authorityNamespace(author), kind: 'authority.genesis', author, time, body });
}
