import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../encoding/bytes.ts';

/** Every relational context has one 32-byte secret; members derive everything on the wire from it. */
export const CONTEXT_SECRET_BYTES = 32;
export const CONTEXT_TOPIC_PREFIX = 'aura/ctx/1/';

const SALT = utf8.encode('aura/context/v1');

/** Distinct HKDF infos make the topic and the key independent: publishing one reveals nothing of the other. */
function derive(secret: Uint8Array, info: string, length: number): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length !== CONTEXT_SECRET_BYTES) {
    throw new RangeError(`context secret must be ${CONTEXT_SECRET_BYTES} bytes`);
  }
  return hkdf(sha256, secret, SALT, utf8.encode(info), length);
}

/** Gossip topic of a context. Relays and non-members see it, so it is a one-way derivation of the secret only. */
export function contextTopic(secret: Uint8Array): string {
  return CONTEXT_TOPIC_PREFIX + toHex(derive(secret, 'topic', 16));
}

/** XChaCha20-Poly1305 key for the context's gossip payloads. */
export function contextKey(secret: Uint8Array): Uint8Array {
  return derive(secret, 'seal-key', 32);
}

export const SYNC_OPEN_PROOF_BYTES = 32;

/**
 * Proof, in the opening of a sync session, that the initiator holds the context secret: an HMAC under a key
 * derived from the secret, over both devices' ids. Whoever holds the secret can read the context's gossip
 * anyway, so serving it sync leaks nothing more; the proof names the responder, so it convinces no one else,
 * and names the initiator, whom the connection authenticates, so nobody else can replay it.
 */
export function syncOpenProof(secret: Uint8Array, initiator: string, responder: string): Uint8Array {
  return hmac(sha256, derive(secret, 'sync-open', 32), utf8.encode(`aura/sync/open/v1\n${initiator}\n${responder}`));
}

/** The topic of one protocol among a context's members (e.g. its witnesses' consensus), apart from its gossip. */
export function purposeTopic(secret: Uint8Array, purpose: string): string {
  return `${CONTEXT_TOPIC_PREFIX}${purpose}/${toHex(derive(secret, `topic:${purpose}`, 16))}`;
}

/** The key sealing that protocol's payloads: independent of the gossip key and of every other purpose. */
export function purposeKey(secret: Uint8Array, purpose: string): Uint8Array {
  return derive(secret, `seal-key:${purpose}`, 32);
}
