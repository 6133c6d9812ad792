import * as dagCbor from '@ipld/dag-cbor';
import { bytesEqual } from './bytes.ts';

/** Deterministic DAG-CBOR: map keys sorted length-first, minimal integers, no undefined, no floats we write. */
export function encodeCanonical(value: unknown): Uint8Array {
  return dagCbor.encode(value);
}

export class DecodeError extends Error {
  constructor(
    readonly code: 'Malformed' | 'NonCanonical',
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Decodes and proves the bytes are the one canonical encoding of what they hold. */
export function decodeCanonical<T>(bytes: Uint8Array): T {
  let value: T;
  try {
    value = dagCbor.decode<T>(bytes);
  } catch (e) {
    throw new DecodeError('Malformed', `not DAG-CBOR: ${(e as Error).message}`);
  }
  if (!bytesEqual(dagCbor.encode(value), bytes)) throw new DecodeError('NonCanonical', 'bytes are not canonical DAG-CBOR');
  return value;
}
