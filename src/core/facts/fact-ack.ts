import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey, type Signer } from '../crypto/ed25519.ts';
import { utf8 } from '../encoding/bytes.ts';
import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { AuraError } from '../errors.ts';
import type { AuthorityId, DeviceId, FactId, Namespace, PhysicalTime } from '../ids.ts';
import { MAX_ACK_BYTES, MAX_WALL_TIME } from '../limits.ts';
import type { SignatureVerifier } from './validate.ts';
import { bytes, cid, deviceId, ident, int, literal, obj, SchemaError, str } from './schema.ts';

/**
 * A receiver's signed statement "my device got this fact at this time" (spec 002 FactAck). Kept apart
 * from the journal; only the fact's author stores it, as evidence for Delivered.
 */
export interface FactAck {
  readonly v: 1;
  readonly ns: Namespace;
  readonly fact: FactId;
  readonly by: AuthorityId;
  readonly device: DeviceId;
  readonly at: PhysicalTime;
  readonly sig: Uint8Array;
}

export { MAX_ACK_BYTES };
const DOMAIN = utf8.encode('aura/ack/v1\n');

const AckSchema = obj({
  v: literal(1),
  ns: str({ min: 11, max: 160 }),
  fact: cid,
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

function signed(a: Omit<FactAck, 'sig'>): Uint8Array {
  const body = encodeCanonical({ v: a.v, ns: a.ns, fact: a.fact, by: a.by, device: a.device, at: a.at });
  const out = new Uint8Array(DOMAIN.length + body.length);
  out.set(DOMAIN);
  out.set(body, DOMAIN.length);
  return out;
}

type AckFields = { ns: Namespace; fact: FactId; by: AuthorityId; at: PhysicalTime };

export function createAck(key: DeviceKey, a: AckFields): Uint8Array {
  const unsigned = { v: 1 as const, ns: a.ns, fact: a.fact, by: a.by, device: key.deviceId, at: a.at };
  return encodeCanonical({ ...unsigned, sig: sign(signed(unsigned), key.secretKey) }).slice();
}

/** The same acks, signed by `signer` (in a browser, the platform's Ed25519). */
export async function createAcksWith(key: DeviceKey, acks: readonly AckFields[], signer: Signer): Promise<Uint8Array[]> {
  const unsigned = acks.map((a) => ({ v: 1 as const, ns: a.ns, fact: a.fact, by: a.by, device: key.deviceId, at: a.at }));
  const sigs = await Promise.all(unsigned.map((u) => signer(signed(u))));
  return unsigned.map((u, i) => encodeCanonical({ ...u, sig: sigs[i]! }).slice());
}

/** Size, canonical CBOR, schema, namespace, then signature; throws AckError. */
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

/** Everything but the signature: size, canonical CBOR, schema, namespace; throws AckError. */
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
  if (ack.ns !== namespace) throw new AckError('WrongNamespace', `ack for ${ack.ns}`);
  return ack;
}
