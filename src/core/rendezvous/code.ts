import { AuraError } from '../errors.ts';
import type { WorkMeter } from '../encoding/cbor.ts';
import { decodeCodeText, encodeCodeText } from '../facts/code-text.ts';
import { bytes, deviceId, int, literal, obj, SchemaError, str, type Infer } from '../facts/schema.ts';
import type { PhysicalTime } from '../ids.ts';
import { MAX_WALL_TIME } from '../limits.ts';
import { RENDEZVOUS_SECRET_BYTES } from './offer.ts';

/**
 * A rendezvous code: what one device shows and the other types or pastes — `aura-rdv:` + base32(CBOR ‖
 * checksum) of its purpose, a one-time secret, when it expires, and optionally who offers it (name, device). Whoever holds
 * it may answer on its topic, so it is shown once, expires soon, and is shared out of band.
 */
export const RENDEZVOUS_CODE_PREFIX = 'aura-rdv:';
export const MAX_RENDEZVOUS_CODE_CHARS = 1_024;

const Code = obj(
  { v: literal(1), purpose: literal('enroll', 'invite', 'recover'), secret: bytes({ len: RENDEZVOUS_SECRET_BYTES }), expires: int({ min: 0, max: MAX_WALL_TIME }) },
  // `device`: the device that made the code, when only it may answer (a recovery: other holders are guardians).
  { from: str({ min: 1, max: 64 }), device: deviceId },
);
export type RendezvousCode = Omit<Infer<typeof Code>, 'v'>;

export type RendezvousCodeErrorCode = 'NotARendezvousCode' | 'Corrupt' | 'Malformed' | 'Expired';

export class RendezvousCodeError extends AuraError<RendezvousCodeErrorCode> {
  override readonly name = 'RendezvousCodeError';
}

const TEXT_FAILURES = { WrongPrefix: 'NotARendezvousCode', Corrupt: 'Corrupt', Malformed: 'Malformed' } as const;

export function encodeRendezvousCode(code: RendezvousCode): string {
  return encodeCodeText(RENDEZVOUS_CODE_PREFIX, Code({ v: 1, ...code }, 'code'));
}

/** The code in `text`, refused typed when it is not one, is damaged, or has expired at `now`. */
export function decodeRendezvousCode(text: string, now: PhysicalTime, meter?: WorkMeter): RendezvousCode {
  const value = decodeCodeText(RENDEZVOUS_CODE_PREFIX, text, MAX_RENDEZVOUS_CODE_CHARS, (why, message) => {
    throw new RendezvousCodeError(TEXT_FAILURES[why], message);
  }, meter);
  let code: Infer<typeof Code>;
  try {
    code = Code(value, 'code');
  } catch (e) {
    if (e instanceof SchemaError) throw new RendezvousCodeError('Malformed', e.message);
    throw e;
  }
  if (code.expires < now) throw new RendezvousCodeError('Expired', 'this code has expired: ask for a new one');
  const { v: _v, ...rest } = code;
  return rest;
}
