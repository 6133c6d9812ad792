import type { DeviceKey, Signer } from '../core/crypto/ed25519.ts';
import { pureSigner } from '../core/crypto/ed25519.ts';

const b64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * Ed25519 signing by the platform: a burst of 1000 sends spent most of its time signing in pure JS. The key is
 * imported once, not extractable; a platform without Ed25519 in WebCrypto falls back to the pure-JS signer.
 * Signatures are deterministic (RFC 8032), so both produce the same bytes (`test/node/webcrypto-sign.test.ts`).
 */
export function webCryptoSigner(key: DeviceKey, subtle: SubtleCrypto = crypto.subtle): Signer {
  const fallback = pureSigner(key);
  const imported = subtle
    .importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: b64url(key.secretKey), x: b64url(key.publicKey) }, { name: 'Ed25519' }, false, ['sign'])
    .catch(() => null);
  return async (message) => {
    const k = await imported;
    if (k === null) return fallback(message);
    return new Uint8Array(await subtle.sign('Ed25519', k, message as BufferSource));
  };
}
