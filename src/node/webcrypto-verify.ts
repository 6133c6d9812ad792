import type { SignatureVerifier } from '../core/facts/validate.ts';
import { toHex } from '../core/encoding/bytes.ts';

/**
 * Ed25519 verification by the platform (16–26× faster than pure JS here; BENCHMARKS.md). Imported keys
 * are cached per public key, since a context's facts come from few devices.
 */
export function webCryptoVerifier(subtle: SubtleCrypto = crypto.subtle): SignatureVerifier {
  const keys = new Map<string, Promise<CryptoKey>>();
  return async (signature, message, publicKey) => {
    const hex = toHex(publicKey);
    let key = keys.get(hex);
    if (!key) {
      key = subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
      keys.set(hex, key);
    }
    return subtle.verify('Ed25519', await key, signature as BufferSource, message as BufferSource);
  };
}
