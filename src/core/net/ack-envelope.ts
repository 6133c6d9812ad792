import { encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { MAX_ACK_BYTES } from '../facts/fact-ack.ts';
import { decodeEnvelopeMap, ENVELOPE_VERSION, EnvelopeError, factsOf } from './gossip-envelope.ts';

/**
 * Acks ride the context's topic too, in their own envelope `{v: 1, acks: [bytes…]}`. Twelve acks of
 * MAX_ACK_BYTES (each naming up to MAX_ACK_FACTS facts) still fit in one sealed payload.
 */
export const MAX_ENVELOPE_ACKS = 12;

export function encodeAckEnvelope(acks: readonly Uint8Array[]): Uint8Array {
  if (acks.length === 0 || acks.length > MAX_ENVELOPE_ACKS) throw new EnvelopeError('TooLarge', `${acks.length} acks`);
  return encodeCanonical({ v: ENVELOPE_VERSION, acks }).slice();
}

/** Splits acks into envelope-sized groups, in order. */
export function packAcks(acks: readonly Uint8Array[]): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i < acks.length; i += MAX_ENVELOPE_ACKS) out.push(acks.slice(i, i + MAX_ENVELOPE_ACKS));
  return out;
}

export interface GossipPayload {
  readonly facts: readonly Uint8Array[];
  readonly acks: readonly Uint8Array[];
}

/** Either envelope kind; anything else is a typed EnvelopeError, as for fact envelopes. */
export function decodePayload(bytes: Uint8Array, meter?: WorkMeter): GossipPayload {
  const rec = decodeEnvelopeMap(bytes, meter);
  if (!('acks' in rec)) return { facts: factsOf(rec), acks: [] };
  const acks = rec.acks;
  if (Object.keys(rec).length !== 2 || !Array.isArray(acks) || acks.length === 0) throw new EnvelopeError('Malformed', 'expected {v, acks}');
  if (acks.length > MAX_ENVELOPE_ACKS) throw new EnvelopeError('TooLarge', `${acks.length} acks`);
  for (const a of acks) if (!(a instanceof Uint8Array) || a.length === 0 || a.length > MAX_ACK_BYTES) throw new EnvelopeError('Malformed', 'bad ack bytes');
  return { facts: [], acks: acks as Uint8Array[] };
}
