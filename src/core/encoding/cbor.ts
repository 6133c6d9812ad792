import * as dagCbor from '@ipld/dag-cbor';
import { decodeStrict, type WorkMeter } from './cbor-decode.ts';

export { DecodeError, MAX_CBOR_DEPTH, type DecodeErrorCode, type WorkMeter } from './cbor-decode.ts';

/** Deterministic DAG-CBOR: map keys sorted length-first, minimal integers, no undefined, no floats we write. */
export function encodeCanonical(value: unknown): Uint8Array {
  return dagCbor.encode(value);
}

/**
 * Decodes bytes only if they are the one canonical encoding of what they hold (cbor-decode.ts); anything
 * else, whatever the input, is a DecodeError.
 */
export function decodeCanonical<T>(bytes: Uint8Array, meter?: WorkMeter): T {
  return decodeStrict(bytes, meter) as T;
}
