import { DecodeError, decodeCanonical, encodeCanonical, type WorkMeter } from '../../core/encoding/cbor.ts';
import { AuraError } from '../../core/errors.ts';
import { arr, bytes, cid, hash32, ident, literal, obj, SchemaError, str, union, type Infer, type Schema } from '../../core/facts/schema.ts';
import type { Namespace } from '../../core/ids.ts';
import type { SigningCommitments } from '../../core/crypto/frost-sign.ts';
import { MAX_SEALED_BYTES } from '../../core/limits.ts';
import { executeRequest, type ExecuteRequest } from './execute.ts';

export type ConsensusWireErrorCode = 'TooLarge' | 'Malformed' | 'NonCanonical';

export class ConsensusWireError extends AuraError<ConsensusWireErrorCode> {
  override readonly name = 'ConsensusWireError';
}

/** Most nonce commitments one announcement carries (a witness keeps a small pool published). */
export const MAX_ANNOUNCED_NONCES = 16;

const namespace: Schema<Namespace> = (v, p) => {
  const s = str({ min: 10, max: 200 })(v, p);
  if (!/^(authority|context):./.test(s)) throw new SchemaError(p, 'expected a namespace');
  return s as Namespace;
};
/** A FROST participant id is a serialized scalar: 32 bytes of hex, like a hash. */
const participant = hash32;
const Commitment = obj({ identifier: participant, hiding: bytes({ len: 32 }), binding: bytes({ len: 32 }) });

const Message = union({
  /** A witness's pre-published nonce commitments: what lets a fast-path commit take one round trip. */
  nonces: obj({ type: literal('nonces'), ns: namespace, witness: participant, commitments: arr(Commitment, { min: 1, max: MAX_ANNOUNCED_NONCES }) }),
  /** Execute(cid, op, prestate) for one signing session. */
  execute: obj({
    type: literal('execute'),
    ns: namespace,
    decision: obj({ consensusId: ident, prestateHash: hash32, covers: arr(cid, { min: 1, max: 256, unique: true }) }),
    commitments: arr(Commitment, { min: 1, max: 256 }),
  }),
  /** One witness's signature share for a session. */
  share: obj({ type: literal('share'), ns: namespace, session: hash32, participant, share: bytes({ len: 32 }) }),
});

export type ConsensusMessage = Infer<typeof Message>;

export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  return encodeCanonical(m).slice();
}

/** Size, canonical CBOR (bounded, linear: `meter` counts the work), then the schema; every refusal typed. */
export function decodeConsensusMessage(raw: Uint8Array, meter?: WorkMeter): ConsensusMessage {
  return decodeWire(Message, 'consensus', raw, meter);
}

/** The one decoding path of consensus-layer messages: refusals are ConsensusWireErrors, never untyped. */
export function decodeWire<T>(schema: Schema<T>, what: string, raw: Uint8Array, meter?: WorkMeter): T {
  if (raw.length > MAX_SEALED_BYTES) throw new ConsensusWireError('TooLarge', `${raw.length} > ${MAX_SEALED_BYTES} bytes`);
  try {
    return schema(decodeCanonical(raw, meter), what);
  } catch (e) {
    if (e instanceof DecodeError) throw new ConsensusWireError(e.code, e.message);
    if (e instanceof SchemaError) throw new ConsensusWireError('Malformed', e.message);
    throw e;
  }
}

type ExecuteMessage = Extract<ConsensusMessage, { type: 'execute' }>;

/** Nonce commitments as the wire carries them, and back (copied: decoded bytes may be views of a frame). */
export const commitmentsToWire = (cs: readonly SigningCommitments[]) => cs.map((c) => ({ identifier: c.identifier, hiding: c.hiding, binding: c.binding }));
export const commitmentsFromWire = (cs: readonly Infer<typeof Commitment>[]): SigningCommitments[] =>
  cs.map((c) => ({ identifier: c.identifier, hiding: Uint8Array.from(c.hiding), binding: Uint8Array.from(c.binding) }));

export function executeToWire(req: ExecuteRequest): ExecuteMessage {
  const commitments = commitmentsToWire(req.commitments);
  return { type: 'execute', ns: req.ns, decision: { consensusId: req.body.consensusId, prestateHash: req.body.prestateHash, covers: [...req.body.covers] }, commitments };
}

/** The request a received Execute stands for, its result and session recomputed from what it carries. */
export function executeFromWire(m: ExecuteMessage): ExecuteRequest {
  return executeRequest(m.ns, m.decision, commitmentsFromWire(m.commitments));
}
