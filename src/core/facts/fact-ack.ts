import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey } from '../crypto/ed25519.ts';
import { utf8 } from '../encoding/bytes.ts';
import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { AuraError } from '../errors.ts';
import type { AuthorityId, DeviceId, FactId, Namespace, PhysicalTime } from '../ids.ts';
import { MAX_ACK_BYTES, MAX_WALL_TIME } from '../limits.ts';
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

export function createAck(key: DeviceKey, a: { ns: Namespace; fact: FactId; by: AuthorityId; at: PhysicalTime }): Uint8Array {
  const unsigned = { v: 1 as const, ns: a.ns, fact: a.fact, by: a.by, device: key.deviceId, at: a.at };
  return encodeCanonical({ ...unsigned, sig: sign(signed(unsigned), key.secretKey) }).slice();
}

/** Size, canonical CBOR, schema, namespace, then signature; throws AckError. */
export function verifyAck(raw: Uint8Array, namespace: Namespace, meter?: WorkMeter): FactAck {
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
  if (!verify(ack.sig, signed(ack), publicKeyOfDevice(ack.device)!)) throw new AckError('BadSignature', 'ack signature does not verify');
  return ack;
}
