import { compareStrings } from '../compare.ts';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey, type Signer } from '../crypto/ed25519.ts';
import { utf8 } from '../encoding/bytes.ts';
import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { AuraError } from '../errors.ts';
import type { AuthorityId, DeviceId, FactId, Namespace, PhysicalTime } from '../ids.ts';
import { MAX_ACK_BYTES, MAX_ACK_FACTS, MAX_WALL_TIME } from '../limits.ts';
import type { SignatureVerifier } from './validate.ts';
import { arr, bytes, cid, deviceId, ident, int, literal, obj, SchemaError, str } from './schema.ts';

/**
 * A receiver's signed statement "my device got these facts of one namespace by this time" (spec 002 FactAck,
 * batched): one signature covers up to MAX_ACK_FACTS facts, so a device catching up on thousands of messages
 * signs (and its peers verify) a few dozen acks, not one per message. Kept apart from the journal; only a
 * fact's author stores the part naming its facts, as evidence for Delivered.
 */
export interface FactAck {
  readonly v: 2;
  readonly ns: Namespace;
  /** Strictly ascending (so canonical: no duplicates, one encoding per set), 1..MAX_ACK_FACTS. */
  readonly facts: readonly FactId[];
  readonly by: AuthorityId;
  readonly device: DeviceId;
  readonly at: PhysicalTime;
  readonly sig: Uint8Array;
}

export { MAX_ACK_BYTES, MAX_ACK_FACTS };
const DOMAIN = utf8.encode('aura/ack/v2\n');

const AckSchema = obj({
  v: literal(2),
  ns: str({ min: 11, max: 160 }),
  facts: arr(cid, { min: 1, max: MAX_ACK_FACTS }),
  by: ident,
  device: deviceId,
  at: int({ max: MAX_WALL_TIME }),
  sig: bytes({ len: 64 }),
});

export type AckErrorCode = 'Malformed' | 'NonCanonical' | 'TooLarge' | 'BadSignature' | 'WrongNamespace';

export class AckError extends AuraError<AckErrorCode> {
  override readonly name = 'AckError';
  constructor(code: AckErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}

type Unsigned = Omit<FactAck, 'sig'>;

function signed(a: Unsigned): Uint8Array {
  const body = encodeCanonical({ v: a.v, ns: a.ns, facts: a.facts, by: a.by, device: a.device, at: a.at });
  const out = new Uint8Array(DOMAIN.length + body.length);
  out.set(DOMAIN);
  out.set(body, DOMAIN.length);
  return out;
}

export interface AckFields {
  readonly ns: Namespace;
  readonly facts: readonly FactId[];
  readonly by: AuthorityId;
  readonly at: PhysicalTime;
}

/** The facts sorted, deduplicated and cut into batches of at most MAX_ACK_FACTS: one unsigned ack each. */
function batches(device: DeviceId, a: AckFields): Unsigned[] {
  const ids = [...new Set(a.facts)].sort(compareStrings);
  const out: Unsigned[] = [];
  for (let i = 0; i < ids.length; i += MAX_ACK_FACTS) {
    out.push({ v: 2, ns: a.ns, facts: ids.slice(i, i + MAX_ACK_FACTS), by: a.by, device, at: a.at });
  }
  return out;
}

/** Signed acks covering `a.facts` (as few as MAX_ACK_FACTS allows), signed in pure JS. */
export function createAcks(key: DeviceKey, a: AckFields): Uint8Array[] {
  return batches(key.deviceId, a).map((u) => encodeCanonical({ ...u, sig: sign(signed(u), key.secretKey) }).slice());
}

/** The same acks, signed by `signer` (in a browser, the platform's Ed25519), all at once. */
export async function createAcksWith(key: DeviceKey, a: AckFields, signer: Signer): Promise<Uint8Array[]> {
  const unsigned = batches(key.deviceId, a);
  const sigs = await Promise.all(unsigned.map((u) => signer(signed(u))));
  return unsigned.map((u, i) => encodeCanonical({ ...u, sig: sigs[i]! }).slice());
}

/** Size, canonical CBOR, schema, order of the facts, namespace, then signature; throws AckError. */
export function verifyAck(raw: Uint8Array, namespace: Namespace, meter?: WorkMeter): FactAck {
  const ack = decodeAck(raw, namespace, meter);
  if (!verify(ack.sig, signed(ack), publicKeyOfDevice(ack.device)!)) throw new AckError('BadSignature', 'ack signature does not verify');
  return ack;
}

/** The same checks with the signature checked by `verifier` (in a browser, the platform's Ed25519). */
export async function verifyAckWith(raw: Uint8Array, namespace: Namespace, verifier: SignatureVerifier): Promise<FactAck> {
  const ack = decodeAck(raw, namespace);
  if (!(await verifier(ack.sig, signed(ack), publicKeyOfDevice(ack.device)!))) throw new AckError('BadSignature', 'ack signature does not verify');
  return ack;
}

/** Everything but the signature: size, canonical CBOR, schema, order of the facts, namespace; throws AckError. */
function decodeAck(raw: Uint8Array, namespace: Namespace, meter?: WorkMeter): FactAck {
  if (raw.length > MAX_ACK_BYTES) throw new AckError('TooLarge', `${raw.length} > ${MAX_ACK_BYTES}`);
  let value: unknown;
  try {
    value = decodeCanonical(raw, meter);
    AckSchema(value, 'ack');
  } catch (e) {
    if (e instanceof DecodeError) throw new AckError(e.code, e.message);
    if (e instanceof SchemaError) throw new AckError('Malformed', e.message);
    throw e;
  }
  const ack = value as FactAck;
  // One encoding per set of facts: a reordered or repeated list is another message, never the same ack.
  for (let i = 1; i < ack.facts.length; i++) {
    if (compareStrings(ack.facts[i - 1]!, ack.facts[i]!) >= 0) throw new AckError('Malformed', 'ack facts not strictly ascending');
  }
  if (ack.ns !== namespace) throw new AckError('WrongNamespace', `ack for ${ack.ns}`);
  return ack;
}
