import { sign, type DeviceKey, type Signer } from '../crypto/ed25519.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { cidOf } from '../encoding/cid.ts';
import type { AuthorityId, Namespace } from '../ids.ts';
import { FACT_VERSION, type Fact, type ValidatedFact } from './fact.ts';
import type { Hlc } from './hlc.ts';
import type { BodyOf, FactKind } from './kinds/index.ts';
import { signingBytes } from './signing.ts';

export interface FactDraft<K extends FactKind> {
  readonly ns: Namespace;
  readonly kind: K;
  readonly author: AuthorityId;
  readonly time: Hlc;
  readonly body: BodyOf<K>;
}

const unsignedOf = <K extends FactKind>(key: DeviceKey, draft: FactDraft<K>) =>
  ({ v: FACT_VERSION, ns: draft.ns, kind: draft.kind, author: draft.author, device: key.deviceId, time: draft.time, body: draft.body }) as const;

function sealed<K extends FactKind>(unsigned: ReturnType<typeof unsignedOf<K>>, sig: Uint8Array): ValidatedFact<K> {
  const fact: Fact<K> = { ...unsigned, sig };
  const bytes = encodeCanonical(fact);
  return { id: cidOf(bytes), fact, bytes };
}

/** Signs a draft with the device key. The result is what validateFact would return for its bytes. */
export function createFact<K extends FactKind>(key: DeviceKey, draft: FactDraft<K>): ValidatedFact<K> {
  const unsigned = unsignedOf(key, draft);
  return sealed(unsigned, sign(signingBytes(unsigned), key.secretKey));
}

/** The same, signed by `signer` (the platform's Ed25519 in a browser: a burst of sends signs in native code). */
export async function createFactWith<K extends FactKind>(key: DeviceKey, draft: FactDraft<K>, signer: Signer): Promise<ValidatedFact<K>> {
  const unsigned = unsignedOf(key, draft);
  return sealed(unsigned, await signer(signingBytes(unsigned)));
}
