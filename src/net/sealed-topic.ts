import { purposeKey, purposeTopic } from '../core/crypto/context-keys.ts';
import { open, seal, SealError, SEAL_NONCE_BYTES } from '../core/crypto/seal.ts';
import { utf8 } from '../core/encoding/bytes.ts';
import type { DeviceId } from '../core/ids.ts';
import type { Transport } from './transport.ts';

/**
 * One protocol's own topic among the holders of a context secret (an authority's devices run their DKG and
 * consensus on one): payloads sealed under a key derived for that purpose, so relays and non-members see
 * only sealed bytes, and nothing sealed for one purpose opens as another.
 */
export class SealedTopic {
  readonly topic: string;
  private readonly key: Uint8Array;
  private readonly aad: Uint8Array;

  constructor(
    private readonly net: Pick<Transport, 'subscribeTopic' | 'publishTopic'>,
    secret: Uint8Array,
    purpose: string,
    private readonly random: (n: number) => Uint8Array,
  ) {
    this.topic = purposeTopic(secret, purpose);
    this.key = purposeKey(secret, purpose);
    this.aad = utf8.encode(this.topic);
  }

  publish(bytes: Uint8Array): Promise<number> {
    return this.net.publishTopic(this.topic, seal(this.key, this.random(SEAL_NONCE_BYTES), bytes, this.aad));
  }

  /** Hears what opens under the key; the rest is a counted drop. Returns the unsubscribe. */
  subscribe(handler: (bytes: Uint8Array, from: DeviceId) => void, dropped: (reason: string) => void): () => void {
    return this.net.subscribeTopic(this.topic, (payload, from) => {
      let bytes: Uint8Array;
      try {
        bytes = open(this.key, payload, this.aad);
      } catch (e) {
        if (e instanceof SealError) return dropped(`sealed:${e.code}`);
        throw e;
      }
      handler(bytes, from);
    });
  }
}
