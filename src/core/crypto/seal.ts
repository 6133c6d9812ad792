import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes } from '../encoding/bytes.ts';
import { AuraError } from '../errors.ts';
import { MAX_SEALED_BYTES } from '../limits.ts';

export const SEAL_KEY_BYTES = 32;
export const SEAL_NONCE_BYTES = 24;
export const SEAL_TAG_BYTES = 16;
/** Bytes a sealed payload adds to its plaintext: the nonce in front, the Poly1305 tag behind. */
export const SEAL_OVERHEAD = SEAL_NONCE_BYTES + SEAL_TAG_BYTES;
/** Largest sealed payload we produce or open (defined in limits.ts). */
export { MAX_SEALED_BYTES };

export type SealErrorCode = 'Truncated' | 'Forged' | 'TooLarge';

export class SealError extends AuraError<SealErrorCode> {
  override readonly name = 'SealError';
  constructor(code: SealErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SEAL_KEY_BYTES) throw new RangeError(`key must be ${SEAL_KEY_BYTES} bytes`);
}

/**
 * Encrypts and authenticates `plaintext`, binding `aad` (the net layer passes the topic's UTF-8 bytes, so a
 * payload cannot be replayed into another context). Returns `nonce ‖ ciphertext ‖ tag`. The nonce is an
 * argument because the core draws no randomness; callers must never reuse one under the same key.
 */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  if (!(nonce instanceof Uint8Array) || nonce.length !== SEAL_NONCE_BYTES) {
    throw new RangeError(`nonce must be ${SEAL_NONCE_BYTES} bytes`);
  }
  if (plaintext.length + SEAL_OVERHEAD > MAX_SEALED_BYTES) {
    throw new SealError('TooLarge', `${plaintext.length + SEAL_OVERHEAD} > ${MAX_SEALED_BYTES} bytes sealed`);
  }
  return concatBytes(nonce, xchacha20poly1305(key, nonce, aad).encrypt(plaintext));
}

/** Verifies and decrypts what `seal` produced; any change to the bytes, the key or the aad is 'Forged'. */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  if (sealed.length > MAX_SEALED_BYTES) throw new SealError('TooLarge', `${sealed.length} > ${MAX_SEALED_BYTES} bytes`);
  if (sealed.length < SEAL_OVERHEAD) throw new SealError('Truncated', `${sealed.length} < ${SEAL_OVERHEAD} bytes`);
  const nonce = sealed.subarray(0, SEAL_NONCE_BYTES);
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(SEAL_NONCE_BYTES));
  } catch {
    throw new SealError('Forged', 'authentication failed');
  }
}
