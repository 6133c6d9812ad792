import { contextKey, contextTopic } from '../core/crypto/context-keys.ts';
import { open, seal, SEAL_NONCE_BYTES, SealError } from '../core/crypto/seal.ts';
import { utf8 } from '../core/encoding/bytes.ts';
import type { ContextId } from '../core/ids.ts';
import { decodePayload, encodeAckEnvelope, packAcks, type GossipPayload } from '../core/net/ack-envelope.ts';
import { encodeEnvelope, EnvelopeError, packEnvelopes } from '../core/net/gossip-envelope.ts';

/**
 * One joined context on the wire: its topic, its keys, and the sealing of fact batches for it. The topic stays
 * that of the first secret; a new epoch's secret (a group that removed a member) adds a key, which seals from
 * then on. Older keys still open (members that have not rotated yet), so only the removed are left out.
 */
export class ContextChannel {
  readonly topic: string;
  private key: Uint8Array;
  private keys: Uint8Array[];
  private readonly aad: Uint8Array;

  constructor(
    readonly context: ContextId,
    secret: Uint8Array,
  ) {
    this.topic = contextTopic(secret);
    this.key = contextKey(secret);
    this.keys = [this.key];
    this.aad = utf8.encode(this.topic);
  }

  /** Seals under a new epoch's key from now on (idempotent). */
  rekey(secret: Uint8Array): void {
    const key = contextKey(secret);
    if (this.keys.some((k) => k.every((b, i) => b === key[i]))) return;
    this.key = key;
    this.keys = [key, ...this.keys];
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
    let failed: SealError | null = null;
    for (const key of this.keys) {
      let plain: Uint8Array;
      try {
        plain = open(key, payload, this.aad);
      } catch (e) {
        if (!(e instanceof SealError)) throw e;
        failed = e;
        continue;
      }
      try {
        return decodePayload(plain);
      } catch (e) {
        if (e instanceof EnvelopeError) return { drop: `envelope:${e.code}` };
        throw e;
      }
    }
    return { drop: `sealed:${failed!.code}` };
  }
}
