import { decodeCanonical } from '../encoding/cbor.ts';
import { AuraError } from '../errors.ts';
import type { FactId } from '../ids.ts';
import type { Fact, ValidatedFact } from './fact.ts';
import { kindSpec } from './kinds/index.ts';
import { Envelope } from './validate.ts';

/**
 * Rebuilds a fact this node validated before it stored it, or null when the stored bytes no longer hold a
 * well-formed fact (a corrupted record, or one an older version should not have kept): restore skips and
 * counts it rather than failing the boot, and reducers never see a body that breaks its kind's schema.
 * The signature, namespace rules and FactId are not checked again, on purpose: cold start must be fast,
 * and the bytes never left the device's own storage since.
 */
export function restoreFact(id: FactId, bytes: Uint8Array): ValidatedFact | null {
  try {
    const fact = Envelope(decodeCanonical(bytes), 'fact') as unknown as Fact;
    const spec = kindSpec(fact.kind);
    if (!spec) return null;
    spec.body(fact.body, 'body');
    return { id, fact, bytes };
  } catch (e) {
    if (e instanceof AuraError) return null;
    throw e;
  }
}
