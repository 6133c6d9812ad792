import { contextKey, contextTopic } from '../core/crypto/context-keys.ts';
import { open, seal, SEAL_NONCE_BYTES, SealError } from '../core/crypto/seal.ts';
import { utf8 } from '../core/encoding/bytes.ts';
import type { ContextId } from '../core/ids.ts';
import { decodePayload, encodeAckEnvelope, packAcks, type GossipPayload } from '../core/net/ack-envelope.ts';
import { encodeEnvelope, EnvelopeError, packEnvelopes } from '../core/net/gossip-envelope.ts';

/** One joined context on the wire: its topic, its key, and the sealing of fact batches for it. */
export class ContextChannel {
  readonly topic: string;
  private readonly key: Uint8Array;
  private readonly aad: Uint8Array;

  constructor(
    readonly context: ContextId,
    secret: Uint8Array,
  ) {
    this.topic = contextTopic(secret);
    this.key = contextKey(secret);
    this.aad = utf8.encode(this.topic);
  }

  /** Sealed payloads carrying the facts, each under the size limits, each with a fresh nonce. */
  seal(facts: readonly Uint8Array[], random: (n: number) => Uint8Array): Uint8Array[] {
    return packEnvelopes(facts).map((group) => seal(this.key, random(SEAL_NONCE_BYTES), encodeEnvelope(group), this.aad));
  }

  sealAcks(acks: readonly Uint8Array[], random: (n: number) => Uint8Array): Uint8Array[] {
    return packAcks(acks).map((group) => seal(this.key, random(SEAL_NONCE_BYTES), encodeAckEnvelope(group), this.aad));
  }

  /** The facts or acks inside a payload, or the reason it was dropped (the caller counts it). */
  open(payload: Uint8Array): GossipPayload | { drop: string } {
    try {
      return decodePayload(open(this.key, payload, this.aad));
    } catch (e) {
      if (e instanceof SealError) return { drop: `sealed:${e.code}` };
      if (e instanceof EnvelopeError) return { drop: `envelope:${e.code}` };
      throw e;
    }
  }
}
