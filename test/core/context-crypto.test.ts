import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextKey, contextTopic, syncOpenProof } from '../../src/core/crypto/context-keys.ts';
import {
  MAX_SEALED_BYTES,
  SEAL_OVERHEAD,
  SealError,
  open,
  seal,
} from '../../src/core/crypto/seal.ts';
import { fromHex, toHex, utf8 } from '../../src/core/encoding/bytes.ts';
import { errorCode } from '../support/typed-outcome.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const secretArb = bytes(32);
const seq = (n: number, start: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

/** HKDF-SHA256 by WebCrypto, independent of the @noble implementation under test. */
async function webHkdf(secret: Uint8Array, info: string, bits: number): Promise<Uint8Array> {
  const ikm = await webcrypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const salt = utf8.encode('aura/context/v1');
  return new Uint8Array(await webcrypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8.encode(info) }, ikm, bits));
}

const sealErrorCode = (f: () => unknown) => errorCode(f, SealError);

describe('context topic and key', () => {
  it('are HKDF-SHA256(secret, salt "aura/context/v1") with infos "topic" and "seal-key"', async () => {
    await fc.assert(
      fc.asyncProperty(secretArb, async (s) => {
        expect(contextTopic(s)).toBe('aura/ctx/1/' + toHex(await webHkdf(s, 'topic', 128)));
        expect(contextKey(s)).toEqual(await webHkdf(s, 'seal-key', 256));
      }),
      { numRuns: 200 },
    );
  });

  it('topic has a fixed shape: prefix and 16 bytes of hex', () => {
    fc.assert(
      fc.property(secretArb, (s) => {
        expect(contextTopic(s)).toMatch(/^aura\/ctx\/1\/[0-9a-f]{32}$/);
        expect(contextKey(s)).toHaveLength(32);
      }),
      { numRuns: 200 },
    );
  });

  it('equal secrets give equal topics and keys; different secrets give different ones', () => {
    fc.assert(
      fc.property(secretArb, secretArb, (a, b) => {
        expect(contextTopic(a.slice())).toBe(contextTopic(a));
        expect(contextKey(a.slice())).toEqual(contextKey(a));
        fc.pre(toHex(a) !== toHex(b));
        expect(contextTopic(a)).not.toBe(contextTopic(b));
        expect(toHex(contextKey(a))).not.toBe(toHex(contextKey(b)));
      }),
      { numRuns: 200 },
    );
  });

  it('a one-bit change of the secret changes the topic', () => {
    const s = seq(32, 0);
    const topics = new Set([contextTopic(s)]);
    for (let bit = 0; bit < 256; bit++) {
      const t = s.slice();
      t[bit >> 3]! ^= 1 << (bit & 7);
      topics.add(contextTopic(t));
    }
    expect(topics.size).toBe(257);
  });

  it('the topic does not contain the secret, its halves, or the key', () => {
    fc.assert(
      fc.property(secretArb, (s) => {
        const topic = contextTopic(s);
        const hex = toHex(s);
        for (const part of [hex, hex.slice(0, 32), hex.slice(32)]) expect(topic).not.toContain(part);
        expect(topic).not.toContain(toHex(contextKey(s)).slice(0, 32));
      }),
      { numRuns: 200 },
    );
  });

  it('key and topic come from different HKDF infos, so neither reveals the other', async () => {
    const s = seq(32, 7);
    const topicBytes = fromHex(contextTopic(s).slice('aura/ctx/1/'.length));
    expect(topicBytes).not.toEqual(contextKey(s).subarray(0, 16));
    // Had both used one info, the topic would be the key's first half: that is what the distinct infos prevent.
    expect(await webHkdf(s, 'seal-key', 128)).toEqual(contextKey(s).subarray(0, 16));
  });

  it('refuses secrets that are not 32 bytes', () => {
    for (const n of [0, 16, 31, 33, 64]) {
      expect(() => contextTopic(new Uint8Array(n))).toThrow(RangeError);
      expect(() => contextKey(new Uint8Array(n))).toThrow(RangeError);
    }
  });
});

describe('sync opening proof', () => {
  it('is HMAC-SHA256 under HKDF(secret, info "sync-open") over both device ids, computed independently', async () => {
    const secret = new Uint8Array(32).fill(7);
    const mac = await webcrypto.subtle.importKey('raw', await webHkdf(secret, 'sync-open', 256), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const expected = new Uint8Array(await webcrypto.subtle.sign('HMAC', mac, utf8.encode('aura/sync/open/v1\nalice\nbob')));
    expect(toHex(syncOpenProof(secret, 'alice', 'bob'))).toBe(toHex(expected));
  });

  it('changes with the secret, the initiator and the responder, and does not name the secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (secret, x, y) => {
        fc.pre(x !== y);
        const p = syncOpenProof(secret, x, y);
        expect(p.length).toBe(32);
        expect(toHex(syncOpenProof(secret, x, y))).toBe(toHex(p));
        expect(toHex(syncOpenProof(secret, y, x))).not.toBe(toHex(p));
        const other = secret.slice();
        other[0]! ^= 1;
        expect(toHex(syncOpenProof(other, x, y))).not.toBe(toHex(p));
        expect(toHex(p)).not.toContain(toHex(secret).slice(0, 16));
      }),
      { numRuns: 200 },
    );
  });
});

describe('seal / open (XChaCha20-Poly1305)', () => {
  const key = seq(32, 0x80);
  const nonce = seq(24, 0x40);

  it('matches the draft-irtf-cfrg-xchacha A.3.1 test vector, nonce in front', () => {
    const aad = fromHex('50515253c0c1c2c3c4c5c6c7');
    const pt = utf8.encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const ct =
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96' +
      'b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e';
    const tag = 'c0875924c1c7987947deafd8780acf49';
    const sealed = seal(key, nonce, pt, aad);
    expect(toHex(sealed)).toBe(toHex(nonce) + ct + tag);
    expect(open(key, sealed, aad)).toEqual(pt);
  });

  it('round-trips any plaintext and aad; the output is nonce ‖ ciphertext ‖ tag', () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), fc.uint8Array({ maxLength: 2048 }), fc.uint8Array({ maxLength: 64 }), (k, n, pt, aad) => {
        const sealed = seal(k, n, pt, aad);
        expect(sealed).toHaveLength(pt.length + SEAL_OVERHEAD);
        expect(sealed.subarray(0, 24)).toEqual(n);
        expect(open(k, sealed, aad)).toEqual(pt);
      }),
      { numRuns: 200 },
    );
  });

  it('any single flipped bit is Forged (every bit of one payload)', () => {
    const aad = utf8.encode(contextTopic(seq(32, 1)));
    const sealed = seal(key, nonce, utf8.encode('hello, context'), aad);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const t = sealed.slice();
      t[bit >> 3]! ^= 1 << (bit & 7);
      expect(sealErrorCode(() => open(key, t, aad)), `bit ${bit}`).toBe('Forged');
    }
  });

  it('any single flipped bit is Forged (random payloads)', () => {
    fc.assert(
      fc.property(bytes(32), bytes(24), fc.uint8Array({ maxLength: 512 }), fc.nat(), (k, n, pt, r) => {
        const sealed = seal(k, n, pt, new Uint8Array());
        const bit = r % (sealed.length * 8);
        sealed[bit >> 3]! ^= 1 << (bit & 7);
        expect(sealErrorCode(() => open(k, sealed, new Uint8Array()))).toBe('Forged');
      }),
      { numRuns: 200 },
    );
  });

  it('a wrong key is Forged', () => {
    fc.assert(
      fc.property(secretArb, secretArb, bytes(24), fc.uint8Array({ maxLength: 256 }), (a, b, n, pt) => {
        fc.pre(toHex(a) !== toHex(b));
        const aad = utf8.encode(contextTopic(a));
        const sealed = seal(contextKey(a), n, pt, aad);
        expect(sealErrorCode(() => open(contextKey(b), sealed, aad))).toBe('Forged');
      }),
      { numRuns: 200 },
    );
  });

  it("another context's topic as aad is Forged, even under the same key", () => {
    fc.assert(
      fc.property(secretArb, secretArb, bytes(24), fc.uint8Array({ maxLength: 256 }), (a, b, n, pt) => {
        fc.pre(toHex(a) !== toHex(b));
        const k = contextKey(a);
        const sealed = seal(k, n, pt, utf8.encode(contextTopic(a)));
        expect(open(k, sealed, utf8.encode(contextTopic(a)))).toEqual(pt);
        expect(sealErrorCode(() => open(k, sealed, utf8.encode(contextTopic(b))))).toBe('Forged');
        expect(sealErrorCode(() => open(k, sealed, new Uint8Array()))).toBe('Forged');
      }),
      { numRuns: 200 },
    );
  });

  it('shorter than nonce + tag is Truncated; a longer cut is Forged', () => {
    const sealed = seal(key, nonce, utf8.encode('twelve bytes'), new Uint8Array());
    for (let n = 0; n < SEAL_OVERHEAD; n++) expect(sealErrorCode(() => open(key, sealed.subarray(0, n), new Uint8Array()))).toBe('Truncated');
    for (let n = SEAL_OVERHEAD; n < sealed.length; n++) expect(sealErrorCode(() => open(key, sealed.subarray(0, n), new Uint8Array()))).toBe('Forged');
  });

  it('an empty plaintext seals to exactly nonce + tag and opens', () => {
    const sealed = seal(key, nonce, new Uint8Array(), new Uint8Array());
    expect(sealed).toHaveLength(SEAL_OVERHEAD);
    expect(open(key, sealed, new Uint8Array())).toEqual(new Uint8Array());
  });

  it('bounds the sealed size at MAX_SEALED_BYTES both ways', () => {
    const largest = new Uint8Array(MAX_SEALED_BYTES - SEAL_OVERHEAD).fill(9);
    const sealed = seal(key, nonce, largest, new Uint8Array());
    expect(sealed).toHaveLength(MAX_SEALED_BYTES);
    expect(open(key, sealed, new Uint8Array())).toEqual(largest);
    expect(sealErrorCode(() => seal(key, nonce, new Uint8Array(largest.length + 1), new Uint8Array()))).toBe('TooLarge');
    // Too large is refused even when the bytes would otherwise authenticate.
    const padded = new Uint8Array(MAX_SEALED_BYTES + 1);
    padded.set(sealed);
    expect(sealErrorCode(() => open(key, padded, new Uint8Array()))).toBe('TooLarge');
  });

  it('refuses keys and nonces of the wrong length', () => {
    expect(() => seal(new Uint8Array(31), nonce, new Uint8Array(1), new Uint8Array())).toThrow(RangeError);
    expect(() => seal(key, new Uint8Array(12), new Uint8Array(1), new Uint8Array())).toThrow(RangeError);
    expect(() => open(new Uint8Array(33), new Uint8Array(64), new Uint8Array())).toThrow(RangeError);
  });
});
