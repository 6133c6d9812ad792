import { encodeCanonical } from '../encoding/cbor.ts';
import { decodeBounded } from './decode.ts';
import { arr, bytes, literal, obj } from '../facts/schema.ts';
import { MAX_FRAME_BYTES } from '../limits.ts';
import { MAX_HOPS, MAX_RECEIPT_BYTES } from './receipt.ts';

/** One forwarded message on a `/aura/fwd/1.0.0` stream: a protocol frame and the receipts of its hops so far. */
export interface ForwardEnvelope {
  readonly v: 1;
  readonly chain: readonly Uint8Array[];
  readonly frame: Uint8Array;
}

/** The largest envelope: a full frame, a full chain, and the CBOR around them. */
export const MAX_FORWARD_BYTES = MAX_FRAME_BYTES + MAX_HOPS * (MAX_RECEIPT_BYTES + 8) + 32;

const EnvelopeSchema = obj({
  v: literal(1),
  chain: arr(bytes({ max: MAX_RECEIPT_BYTES }), { min: 1, max: MAX_HOPS }),
  frame: bytes({ max: MAX_FRAME_BYTES }),
});

export function encodeEnvelope(chain: readonly Uint8Array[], frame: Uint8Array): Uint8Array {
  return encodeCanonical({ v: 1, chain, frame });
}

/** Size first, then canonical CBOR and schema; the receipts themselves are judged by `verifyChain`. */
export function decodeEnvelope(raw: Uint8Array): ForwardEnvelope {
  return decodeBounded(raw, MAX_FORWARD_BYTES, EnvelopeSchema, 'envelope') as ForwardEnvelope;
}
