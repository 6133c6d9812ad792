import { acceptableSignature } from '../core/crypto/ed25519.ts';
import type { SignatureVerifier } from '../core/facts/validate.ts';
import { toHex } from '../core/encoding/bytes.ts';

/**
 * Ed25519 verification by the platform (16–26× faster than pure JS here; BENCHMARKS.md), behind the same
 * acceptance rule as the core's verifier, so both agree on every input. Imported keys are cached per
 * public key, since a context's facts come from few devices.
 */
/** Imported keys kept at most; a context's facts come from few devices. */
const MAX_CACHED_KEYS = 4_096;

export function webCryptoVerifier(subtle: SubtleCrypto = crypto.subtle): SignatureVerifier {
  const keys = new Map<string, Promise<CryptoKey>>();
  return async (signature, message, publicKey) => {
    if (!acceptableSignature(signature, publicKey)) return false;
    const hex = toHex(publicKey);
    let key = keys.get(hex);
    if (!key) {
      // Bounded: a peer inventing device keys must not grow this without limit.
      if (keys.size >= MAX_CACHED_KEYS) keys.clear();
      key = subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
      keys.set(hex, key);
    }
    try {
      return await subtle.verify('Ed25519', await key, signature as BufferSource, message as BufferSource);
    } catch {
      // A platform may refuse to import a key that is not on the curve: that is a bad signature, not a crash.
      return false;
    }
  };
}
