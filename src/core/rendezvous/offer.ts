import { equalBytes } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey } from '../crypto/ed25519.ts';
import { concatBytes, toHex, utf8 } from '../encoding/bytes.ts';
import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { AuraError } from '../errors.ts';
import { arr, bytes, deviceId, int, literal, obj, SchemaError, str, type Infer } from '../facts/schema.ts';
import type { PhysicalTime } from '../ids.ts';
import { CLOCK_SKEW_BOUND_MS, MAX_WALL_TIME } from '../limits.ts';

/**
 * Rendezvous (DESIGN §5, spec 000 §3.4): a code carries a one-time secret; both sides flood signed, expiring
 * offers — who they are and where to dial them — on a topic derived from it, then connect directly.
 */
export const RENDEZVOUS_SECRET_BYTES = 32;
export const RENDEZVOUS_TOPIC_PREFIX = 'aura/rdv/1/';
/** An offer is good for at most this long: a leaked one soon stops pointing anywhere. */
export const MAX_OFFER_TTL_MS = 10 * 60_000;
export const MAX_OFFER_BYTES = 2048;

export type OfferErrorCode = 'TooLarge' | 'Malformed' | 'NonCanonical' | 'BadSignature' | 'WrongSecret' | 'Expired' | 'TooFarAhead';

export class OfferError extends AuraError<OfferErrorCode> {
  override readonly name = 'OfferError';
}

const OfferSchema = obj({
  v: literal(1),
  purpose: literal('enroll', 'invite', 'recover'),
  device: deviceId,
  addrs: arr(str({ min: 1, max: 256 }), { max: 8 }),
  expires: int({ min: 0, max: MAX_WALL_TIME }),
  nonce: bytes({ len: 16 }),
  mac: bytes({ len: 32 }),
  sig: bytes({ len: 64 }),
});
export type Offer = Infer<typeof OfferSchema>;
export type OfferContent = Omit<Offer, 'v' | 'mac' | 'sig'>;

const SALT = utf8.encode('aura/rendezvous/v1');

/** A key or topic of one purpose derived from a code's secret; distinct infos are independent. */
export function derive(secret: Uint8Array, info: string, length: number): Uint8Array {
  if (secret.length !== RENDEZVOUS_SECRET_BYTES) throw new RangeError(`rendezvous secret must be ${RENDEZVOUS_SECRET_BYTES} bytes`);
  return hkdf(sha256, secret, SALT, utf8.encode(info), length);
}

/** The topic both sides flood on: a one-way derivation, so relays and onlookers learn nothing of the secret. */
export function rendezvousTopic(secret: Uint8Array, purpose: 'offers' | 'packages' | 'confirmations' = 'offers'): string {
  return RENDEZVOUS_TOPIC_PREFIX + toHex(derive(secret, purpose === 'offers' ? 'topic' : `${purpose}-topic`, 16));
}

const signedBytes = (c: OfferContent) => concatBytes(utf8.encode('aura/rendezvous/offer/v1\n'), encodeCanonical({ v: 1, ...c }));

/**
 * An offer signed by the device it names and MACed under the code's secret: the signature says who offers,
 * the MAC that they hold the code (an onlooker on the topic can neither forge nor redirect one).
 */
export function createOffer(key: DeviceKey, secret: Uint8Array, c: Omit<OfferContent, 'device'>): Uint8Array {
  const content = { ...c, device: key.deviceId };
  const body = signedBytes(content);
  const offer: Offer = { v: 1, ...content, mac: hmac(sha256, derive(secret, 'offer-mac', 32), body), sig: sign(body, key.secretKey) };
  return encodeCanonical(offer).slice();
}

/**
 * Size, canonical CBOR (bounded, linear), schema, the MAC under our secret, the device's signature, then time:
 * not expired, and not claiming to live longer than an offer may (with the clock skew bound). Typed refusals.
 */
export function verifyOffer(raw: Uint8Array, secret: Uint8Array, now: PhysicalTime, meter?: WorkMeter): Offer {
  if (raw.length > MAX_OFFER_BYTES) throw new OfferError('TooLarge', `${raw.length} > ${MAX_OFFER_BYTES} bytes`);
  let offer: Offer;
  try {
    offer = OfferSchema(decodeCanonical(raw, meter), 'offer');
  } catch (e) {
    if (e instanceof DecodeError) throw new OfferError(e.code, e.message);
    if (e instanceof SchemaError) throw new OfferError('Malformed', e.message);
    throw e;
  }
  const { v: _v, mac, sig, ...content } = offer;
  const body = signedBytes(content);
  // Constant-time: the MAC is the one secret-dependent comparison here.
  if (!equalBytes(hmac(sha256, derive(secret, 'offer-mac', 32), body), mac)) throw new OfferError('WrongSecret', 'not made with this code');
  if (!verify(sig, body, publicKeyOfDevice(offer.device)!)) throw new OfferError('BadSignature', 'signature does not verify');
  if (offer.expires < now) throw new OfferError('Expired', 'the offer has expired');
  if (offer.expires > now + MAX_OFFER_TTL_MS + CLOCK_SKEW_BOUND_MS) throw new OfferError('TooFarAhead', 'the offer claims to live too long');
  return offer;
}
