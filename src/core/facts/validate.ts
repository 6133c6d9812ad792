import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { verify } from '../crypto/ed25519.ts';
import { DecodeError, decodeCanonical, type WorkMeter } from '../encoding/cbor.ts';
import { cidOf } from '../encoding/cid.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { namespaceId, namespaceKind, type Namespace } from '../ids.ts';
import { MAX_LOGICAL, MAX_WALL_TIME } from '../limits.ts';
import { FactValidationError } from './errors.ts';
import { FACT_VERSION, MAX_FACT_BYTES, type Fact, type ValidatedFact } from './fact.ts';
import { kindSpec } from './kinds/index.ts';
import { bytes, deviceId, int, literal, obj, SchemaError, str } from './schema.ts';
import { signingBytes } from './signing.ts';

/** The fact envelope's shape; the body is checked against its kind separately. */
export const Envelope = obj({
  v: literal(FACT_VERSION),
  ns: str({ min: 11, max: 160 }),
  kind: str({ min: 1, max: 64 }),
  author: str({ min: 1, max: 128 }),
  device: deviceId,
  time: obj({ wall: int({ max: MAX_WALL_TIME }), logical: int({ max: MAX_LOGICAL }) }),
  body: (v) => v,
  sig: bytes({ len: 64 }),
});

export interface ValidateOptions {
  /** The journal the fact is meant for; a fact addressed elsewhere is WrongNamespace. */
  readonly namespace?: Namespace;
  /** Counts the decoder's work (tests assert it stays linear in the input). */
  readonly meter?: WorkMeter;
}

/** A fact that passed every check but the signature, with what the signature check needs. */
export interface InspectedFact {
  readonly fact: Fact;
  readonly bytes: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Verifies an Ed25519 signature; the node may pass a faster platform implementation (WebCrypto). */
export type SignatureVerifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => Promise<boolean>;

/**
 * Every check except the signature, cheapest first: size, encoding, canonical form, envelope shape,
 * kind, namespace, body. Throws FactValidationError.
 */
export function inspectFact(raw: Uint8Array, opts: ValidateOptions = {}): InspectedFact {
  if (raw.length > MAX_FACT_BYTES) throw new FactValidationError('TooLarge', `${raw.length} > ${MAX_FACT_BYTES} bytes`);
  let decoded: unknown;
  try {
    decoded = decodeCanonical(raw, opts.meter);
  } catch (e) {
    if (e instanceof DecodeError) throw new FactValidationError(e.code, e.message);
    throw e;
  }
  const fact = check(() => Envelope(decoded, 'fact')) as unknown as Fact;
  if (!/^(authority|context):./.test(fact.ns)) throw new FactValidationError('Malformed', `bad namespace ${fact.ns}`);
  const spec = kindSpec(fact.kind);
  if (!spec) throw new FactValidationError('UnknownKind', fact.kind);
  checkNamespace(fact, spec.ns, opts.namespace);
  check(() => spec.body(fact.body, 'body'));
  if (fact.kind === 'authority.genesis' && cidOf(encodeCanonical(fact.body)) !== fact.author) {
    throw new FactValidationError('WrongNamespace', 'genesis author must be the CID of its body');
  }
  return { fact, bytes: raw, message: signingBytes(fact), publicKey: publicKeyOfDevice(fact.device)! };
}

function accept(f: InspectedFact, valid: boolean): ValidatedFact {
  if (!valid) throw new FactValidationError('BadSignature', 'signature does not verify');
  return { id: cidOf(f.bytes), fact: f.fact, bytes: f.bytes };
}

/** Full validation with the pure-JS verifier. Throws FactValidationError. */
export function validateFact(raw: Uint8Array, opts: ValidateOptions = {}): ValidatedFact {
  const f = inspectFact(raw, opts);
  return accept(f, verify(f.fact.sig, f.message, f.publicKey));
}

/** Full validation with an injected verifier (WebCrypto Ed25519 is ~16x faster; see BENCHMARKS.md). */
export async function validateFactWith(raw: Uint8Array, verifier: SignatureVerifier, opts: ValidateOptions = {}): Promise<ValidatedFact> {
  const f = inspectFact(raw, opts);
  return accept(f, await verifier(f.fact.sig, f.message, f.publicKey));
}

function checkNamespace(fact: Fact, rule: 'authority' | 'context' | 'any', expected: Namespace | undefined): void {
  if (expected !== undefined && fact.ns !== expected) {
    throw new FactValidationError('WrongNamespace', `fact is for ${fact.ns}, not ${expected}`);
  }
  const nsKind = namespaceKind(fact.ns);
  if (rule !== 'any' && rule !== nsKind) throw new FactValidationError('WrongNamespace', `${fact.kind} belongs in a ${rule} journal`);
  if (nsKind === 'authority' && namespaceId(fact.ns) !== fact.author) {
    throw new FactValidationError('WrongNamespace', 'only an authority writes its own journal');
  }
}

function check<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SchemaError) throw new FactValidationError('Malformed', e.message);
    throw e;
  }
}
