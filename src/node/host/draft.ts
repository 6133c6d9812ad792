import { createFact, createFactWith } from '../../core/facts/create.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { kindSpec, type BodyOf, type FactKind } from '../../core/facts/kinds/index.ts';
import { SchemaError } from '../../core/facts/schema.ts';
import type { Namespace } from '../../core/ids.ts';
import { NodeError } from '../api.ts';
import type { NodeHost } from './node-host.ts';
import { signerOf } from './signer.ts';

function checked<K extends FactKind>(host: NodeHost, ns: Namespace, kind: K, body: BodyOf<K>) {
  try {
    kindSpec(kind)!.body(body, 'body');
  } catch (e) {
    if (e instanceof SchemaError) throw new NodeError('InvalidInput', e.message);
    throw e;
  }
  return { ns, kind, author: host.requireIdentity().authorityId, time: host.tick(), body };
}

/** A fact signed by this device for its identity, at the next clock reading; checked by the receivers' schema first. */
export function draft<K extends FactKind>(host: NodeHost, ns: Namespace, kind: K, body: BodyOf<K>): ValidatedFact<K> {
  return createFact(host.key, checked(host, ns, kind, body));
}

/** The same, signed by the node's signer; the clock is read now, so facts drafted in turn keep their order. */
export function draftSigned<K extends FactKind>(host: NodeHost, ns: Namespace, kind: K, body: BodyOf<K>): Promise<ValidatedFact<K>> {
  return createFactWith(host.key, checked(host, ns, kind, body), signerOf(host));
}
