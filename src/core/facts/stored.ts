import * as dagCbor from '@ipld/dag-cbor';
import type { FactId } from '../ids.ts';
import type { Fact, ValidatedFact } from './fact.ts';

/**
 * Rebuilds a fact this node validated before it stored it. Skips the checks (and the signature) on
 * purpose: cold start must be fast, and the bytes never left the device's own storage since.
 */
export function storedFact(id: FactId, bytes: Uint8Array): ValidatedFact {
  return { id, fact: dagCbor.decode<Fact>(bytes), bytes };
}
