import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { AuraError } from '../errors.ts';
import { MAX_SEALED_BYTES, SEAL_OVERHEAD } from '../crypto/seal.ts';
import { MAX_FACT_BYTES } from '../facts/fact.ts';
import { MAX_ENVELOPE_FACTS } from '../limits.ts';

/**
 * The plaintext of one sealed gossip payload: `{v: 1, facts: [bytes…]}` in canonical DAG-CBOR. Facts travel
 * as their canonical bytes and are validated one by one by the receiver; the envelope only bounds them.
 */
export const ENVELOPE_VERSION = 1;
export { MAX_ENVELOPE_FACTS };
/** An envelope must still fit in MAX_SEALED_BYTES once sealed. */
export const MAX_ENVELOPE_BYTES = MAX_SEALED_BYTES - SEAL_OVERHEAD;

export type EnvelopeErrorCode = 'Malformed' | 'NonCanonical' | 'TooLarge' | 'UnsupportedVersion';

export class EnvelopeError extends AuraError<EnvelopeErrorCode> {
  override readonly name = 'EnvelopeError';
  constructor(code: EnvelopeErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}

/** Bytes of a CBOR head (major type + length), so sizes can be known without encoding. */
function cborHeadBytes(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

/** `a2 61 'v' 01 65 'facts'`: the map head, both keys and the version integer. */
const ENVELOPE_FIXED_BYTES = 10;

function factEntryBytes(fact: Uint8Array): number {
  return cborHeadBytes(fact.length) + fact.length;
}

function checkFact(fact: unknown, i: number): asserts fact is Uint8Array {
  if (!(fact instanceof Uint8Array)) throw new EnvelopeError('Malformed', `facts[${i}] is not bytes`);
  if (fact.length === 0) throw new EnvelopeError('Malformed', `facts[${i}] is empty`);
  if (fact.length > MAX_FACT_BYTES) throw new EnvelopeError('TooLarge', `facts[${i}] > ${MAX_FACT_BYTES} bytes`);
}

function checkFacts(facts: unknown): asserts facts is Uint8Array[] {
  if (!Array.isArray(facts)) throw new EnvelopeError('Malformed', 'facts is not a list');
  if (facts.length === 0) throw new EnvelopeError('Malformed', 'no facts');
  if (facts.length > MAX_ENVELOPE_FACTS) throw new EnvelopeError('TooLarge', `${facts.length} > ${MAX_ENVELOPE_FACTS} facts`);
  facts.forEach(checkFact);
}

export function encodeEnvelope(facts: readonly Uint8Array[]): Uint8Array {
  checkFacts(facts);
  const size = envelopeSize(facts);
  if (size > MAX_ENVELOPE_BYTES) throw new EnvelopeError('TooLarge', `${size} > ${MAX_ENVELOPE_BYTES} bytes`);
  // Copied: encodeCanonical may hand back a view into a buffer the encoder reuses.
  return encodeCanonical({ v: ENVELOPE_VERSION, facts }).slice();
}

/** Size, CBOR, canonical form, a map, and the version: what every envelope kind checks first. */
export function decodeEnvelopeMap(bytes: Uint8Array, meter?: WorkMeter): Record<string, unknown> {
  if (bytes.length > MAX_ENVELOPE_BYTES) throw new EnvelopeError('TooLarge', `${bytes.length} > ${MAX_ENVELOPE_BYTES} bytes`);
  let value: unknown;
  try {
    value = decodeCanonical<unknown>(bytes, meter);
  } catch (e) {
    if (e instanceof DecodeError) throw new EnvelopeError(e.code, e.message);
    throw e;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new EnvelopeError('Malformed', 'expected a map');
  }
  const rec = value as Record<string, unknown>;
  if (typeof rec.v !== 'number' || !Number.isSafeInteger(rec.v)) throw new EnvelopeError('Malformed', 'v is not an integer');
  if (rec.v !== ENVELOPE_VERSION) throw new EnvelopeError('UnsupportedVersion', `v = ${rec.v}`);
  return rec;
}

/** Checks cheapest first: size, CBOR, canonical form, version, then the fact list. `meter` counts the decoder's work. */
export function decodeEnvelope(bytes: Uint8Array, meter?: WorkMeter): Uint8Array[] {
  return factsOf(decodeEnvelopeMap(bytes, meter));
}

/** The fact list of an already decoded envelope map. */
export function factsOf(rec: Record<string, unknown>): Uint8Array[] {
  const keys = Object.keys(rec);
  if (keys.length !== 2 || !('facts' in rec)) throw new EnvelopeError('Malformed', 'expected exactly {v, facts}');
  checkFacts(rec.facts);
  return rec.facts;
}

/** Exact encoded size of an envelope holding `facts`, without encoding it. */
export function envelopeSize(facts: readonly Uint8Array[]): number {
  let entries = 0;
  for (const f of facts) entries += factEntryBytes(f);
  return sizeOf(facts.length, entries);
}

function sizeOf(count: number, entryBytes: number): number {
  return ENVELOPE_FIXED_BYTES + cborHeadBytes(count) + entryBytes;
}

/**
 * Splits facts, in order, into envelope-sized groups by greedy fill: a group closes only when the next fact
 * would break the count or byte limit.
 */
export function packEnvelopes(facts: readonly Uint8Array[]): Uint8Array[][] {
  const groups: Uint8Array[][] = [];
  let group: Uint8Array[] = [];
  let entries = 0;
  facts.forEach((fact, i) => {
    checkFact(fact, i);
    const entry = factEntryBytes(fact);
    const full = group.length === MAX_ENVELOPE_FACTS || sizeOf(group.length + 1, entries + entry) > MAX_ENVELOPE_BYTES;
    if (full && group.length > 0) {
      groups.push(group);
      group = [];
      entries = 0;
    }
    group.push(fact);
    entries += entry;
  });
  if (group.length > 0) groups.push(group);
  return groups;
}
