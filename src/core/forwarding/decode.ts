import { DecodeError, decodeCanonical } from '../encoding/cbor.ts';
import { SchemaError, type Schema } from '../facts/schema.ts';
import { ForwardError } from './errors.ts';

/** Size first, then canonical CBOR and schema: forwarding's peer bytes, each refusal a ForwardError. */
export function decodeBounded<T>(raw: Uint8Array, max: number, schema: Schema<T>, what: string): T {
  if (raw.length > max) throw new ForwardError('TooLarge', `${what} of ${raw.length} bytes`);
  try {
    return schema(decodeCanonical(raw), what);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof SchemaError) throw new ForwardError('Malformed', e.message);
    throw e;
  }
}
