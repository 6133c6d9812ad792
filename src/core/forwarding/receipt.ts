import { sha256 } from '@noble/hashes/sha2.js';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey } from '../crypto/ed25519.ts';
import { concatBytes, toHex, utf8 } from '../encoding/bytes.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { decodeBounded } from './decode.ts';
import { SEND_COST } from '../flow/send-cost.ts';
import type { ContextId, DeviceId, Epoch, Hash32 } from '../ids.ts';
import { bytes, deviceId, hash32, ident, int, literal, obj } from '../facts/schema.ts';
import { ForwardError } from './errors.ts';
import type { SignatureVerifier } from '../facts/validate.ts';

/**
 * One hop's signed receipt for forwarding one message (DESIGN §5, spec 000 §2.6): `hop` sent the message of
 * `src` for `dst` in context `ctx` on to `next`, having charged `cost` to its FlowBudget for `next`'s authority
 * in flow epoch `epoch`, which stood at `spent` of `limit` after the charge. `prev` is the hash of the previous
 * hop's receipt (null for the origin's), so the hops form a chain; `msg` binds the receipt to the message.
 */
export interface ForwardReceipt {
  readonly v: 1;
  readonly ctx: ContextId;
  readonly src: DeviceId;
  readonly dst: DeviceId;
  readonly hop: DeviceId;
  readonly next: DeviceId;
  readonly epoch: Epoch;
  readonly cost: number;
  readonly spent: number;
  readonly limit: number;
  readonly nonce: Uint8Array;
  readonly prev: Hash32 | null;
  readonly msg: Hash32;
  readonly sig: Uint8Array;
}

export type UnsignedReceipt = Omit<ForwardReceipt, 'v' | 'sig'>;

/** A receipt's encoding is a few hundred bytes; anything near this is not one. */
export const MAX_RECEIPT_BYTES = 1024;
/** At most one forwarder: the origin's receipt and the forwarder's (DESIGN §5: "a member linked to both"). */
export const MAX_HOPS = 2;
/** Bytes of a forwarded message covered by one unit of `SEND_COST.forward`. */
export const FORWARD_UNIT_BYTES = 4 * 1024;
export const NONCE_BYTES = 16;

const DOMAIN = utf8.encode('aura/fwd-receipt/v1\n');

const ReceiptSchema = obj({
  v: literal(1),
  ctx: ident,
  src: deviceId,
  dst: deviceId,
  hop: deviceId,
  next: deviceId,
  epoch: int(),
  cost: int({ min: 1 }),
  spent: int(),
  limit: int(),
  nonce: bytes({ len: NONCE_BYTES }),
  prev: (v: unknown, p: string) => (v === null ? null : hash32(v, p)),
  msg: hash32,
  sig: bytes({ len: 64 }),
});

/** What forwarding a message of `size` bytes costs each hop: the one cost table, per started unit. */
export function forwardCost(size: number): number {
  return SEND_COST.forward * Math.max(1, Math.ceil(size / FORWARD_UNIT_BYTES));
}

/** The digest a receipt names its message by. */
export function messageDigest(message: Uint8Array): Hash32 {
  return toHex(sha256(message));
}

/** The hash the next hop's `prev` names: of the whole encoded receipt, signature included. */
export function receiptHash(raw: Uint8Array): Hash32 {
  return toHex(sha256(concatBytes(DOMAIN, raw)));
}

function signedBytes(r: UnsignedReceipt): Uint8Array {
  const { ctx, src, dst, hop, next, epoch, cost, spent, limit, nonce, prev, msg } = r;
  return concatBytes(DOMAIN, encodeCanonical({ v: 1, ctx, src, dst, hop, next, epoch, cost, spent, limit, nonce, prev, msg }));
}

/** The receipt `key`'s device signs as `hop` (the caller draws the nonce: the core has no randomness). */
export function createReceipt(key: DeviceKey, r: Omit<UnsignedReceipt, 'hop'>): Uint8Array {
  const u: UnsignedReceipt = { ...r, hop: key.deviceId };
  return encodeCanonical({ v: 1, ...u, sig: sign(signedBytes(u), key.secretKey) }).slice();
}

/** Size, canonical CBOR and schema, the signature not yet checked; throws ForwardError. */
export function readReceipt(raw: Uint8Array): ForwardReceipt {
  return decodeBounded(raw, MAX_RECEIPT_BYTES, ReceiptSchema, 'receipt') as ForwardReceipt;
}

/** A read receipt's signature, checked by `verifier` (in the node, the platform's Ed25519 behind the strict rule). */
export async function receiptVerifies(r: ForwardReceipt, verifier: SignatureVerifier): Promise<boolean> {
  return verifier(r.sig, signedBytes(r), publicKeyOfDevice(r.hop)!);
}

/** Size, canonical CBOR, schema, then the hop's signature (the strict rule, pure JS); throws ForwardError. */
export function decodeReceipt(raw: Uint8Array): ForwardReceipt {
  const r = readReceipt(raw);
  if (!verify(r.sig, signedBytes(r), publicKeyOfDevice(r.hop)!)) throw new ForwardError('BadSignature', `receipt of ${r.hop} does not verify`);
  return r;
}

