import { utf8 } from '../encoding/bytes.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import type { UnsignedFact } from './fact.ts';
import type { FactKind } from './kinds/index.ts';

const DOMAIN = utf8.encode('aura/fact/v1\n');

/** Bytes a device signs: a domain tag, then the canonical encoding of the unsigned envelope. */
export function signingBytes<K extends FactKind>(f: UnsignedFact<K>): Uint8Array {
  const body = encodeCanonical({ v: f.v, ns: f.ns, kind: f.kind, author: f.author, device: f.device, time: f.time, body: f.body });
  const out = new Uint8Array(DOMAIN.length + body.length);
  out.set(DOMAIN);
  out.set(body, DOMAIN.length);
  return out;
}
