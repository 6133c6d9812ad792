import { sign, type DeviceKey } from '../crypto/ed25519.ts';
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

/** Signs a draft with the device key. The result is what validateFact would return for its bytes. */
export function createFact<K extends FactKind>(key: DeviceKey, draft: FactDraft<K>): ValidatedFact<K> {
  const unsigned = { v: FACT_VERSION, ns: draft.ns, kind: draft.kind, author: draft.author, device: key.deviceId, time: draft.time, body: draft.body } as const;
  const fact: Fact<K> = { ...unsigned, sig: sign(signingBytes(unsigned), key.secretKey) };
  const bytes = encodeCanonical(fact);
  return { id: cidOf(bytes), fact, bytes };
}
