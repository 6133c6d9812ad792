import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptableSignature, sign, verify } from '../../src/core/crypto/ed25519.ts';
import { concatBytes, fromHex, utf8 } from '../../src/core/encoding/bytes.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';

/**
 * Ed25519 verifiers disagree on crafted signatures: WebCrypto (here Node's OpenSSL, in the browser BoringSSL
 * or NSS) checks the cofactorless equation and takes non-canonical or small-order keys; noble checks the
 * cofactored one and, by default (ZIP-215), takes non-canonical R. Each vector below is built with a known
 * secret scalar, shows where the unguarded verifiers part, and checks that behind the one acceptance rule
 * noble (`verify`) and WebCrypto (`webCryptoVerifier`) give the same answer.
 */
const { Point } = ed25519;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;
const le = (n: bigint): Uint8Array => numberToBytesLE(n, 32);
const subtle = globalThis.crypto.subtle;

/** A signature by scalar `a` with nonce point rG + `torsion` (R given as bytes), for public key bytes `A`. */
function craft(a: bigint, A: Uint8Array, R: Uint8Array, r: bigint, message: Uint8Array): Uint8Array {
  const k = Point.Fn.create(bytesToNumberLE(sha512(concatBytes(R, A, message))));
  return concatBytes(R, le(Point.Fn.create(r + k * a)));
}

const a = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n;
const A = Point.BASE.multiply(a);
const r = 0x0fed_cba9_8765_4321n;
const T8 = Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
const TORSION = Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : T8.multiplyUnsafe(BigInt(i))));
const identity = Point.ZERO.toBytes();
const msg = utf8.encode('aura strict ed25519');
const withSignBit = (b: Uint8Array): Uint8Array => Uint8Array.from(b, (x, i) => (i === 31 ? x | 0x80 : x));

/** A message for which the challenge k is not a multiple of 8, so a torsion component shows. */
function torsionVisible(R: Uint8Array, Akey: Uint8Array): Uint8Array {
  for (let i = 0; ; i++) {
    const m = utf8.encode(`mixed ${i}`);
    if (bytesToNumberLE(sha512(concatBytes(R, Akey, m))) % L % 8n !== 0n) return m;
  }
}

interface Vector {
  readonly name: string;
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
  readonly key: Uint8Array;
}

const honest = { name: 'an honest signature', sig: craft(a, A.toBytes(), Point.BASE.multiply(r).toBytes(), r, msg), msg, key: A.toBytes() };
const mixedKey = A.add(T8).toBytes();
const mixedR = Point.BASE.multiply(r).add(T8).toBytes();
const nonCanonicalIdentity = le(P + 1n); // y = p + 1 ≡ 1: the identity, written with y ≥ p
/** Under the identity key, [S]G = R holds for any message: R = 5G, S = 5 is a prime-order R and a canonical S. */
const anyMessage = concatBytes(Point.BASE.multiply(5n).toBytes(), le(5n));
const VECTORS: Vector[] = [
  honest,
  { name: 'identity key, identity R, S = 0 (verifies any message under lax rules)', sig: concatBytes(identity, le(0n)), msg, key: identity },
  { name: 'identity R with an honest key (S = k·a)', sig: craft(a, A.toBytes(), identity, 0n, msg), msg, key: A.toBytes() },
  { name: 'small-order R of order 8', sig: craft(a, A.toBytes(), T8.toBytes(), 0n, torsionVisible(T8.toBytes(), A.toBytes())), msg: torsionVisible(T8.toBytes(), A.toBytes()), key: A.toBytes() },
  { name: 'non-canonical S (S + L)', sig: concatBytes(honest.sig.subarray(0, 32), le(bytesToNumberLE(honest.sig.subarray(32)) + L)), msg, key: A.toBytes() },
  { name: 'non-canonical R (the identity as y = p + 1)', sig: craft(a, A.toBytes(), nonCanonicalIdentity, 0n, msg), msg, key: A.toBytes() },
  { name: 'non-canonical key (the identity as y = p + 1), R = 5G, S = 5', sig: anyMessage, msg, key: nonCanonicalIdentity },
  { name: 'identity key with the sign bit set (x = −0), R = 5G, S = 5', sig: anyMessage, msg, key: withSignBit(identity) },
  { name: 'mixed-order key (A + T8)', sig: craft(a, mixedKey, Point.BASE.multiply(r).toBytes(), r, torsionVisible(Point.BASE.multiply(r).toBytes(), mixedKey)), msg: torsionVisible(Point.BASE.multiply(r).toBytes(), mixedKey), key: mixedKey },
  { name: 'mixed-order R (rG + T8)', sig: craft(a, A.toBytes(), mixedR, r, torsionVisible(mixedR, A.toBytes())), msg: torsionVisible(mixedR, A.toBytes()), key: A.toBytes() },
];

async function platform(v: Vector): Promise<boolean> {
  const key = await subtle.importKey('raw', v.key as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  return subtle.verify('Ed25519', key, v.sig as BufferSource, v.msg as BufferSource);
}
const lax = (v: Vector): boolean => ed25519.verify(v.sig, v.msg, v.key);
const laxStrict = (v: Vector): boolean => ed25519.verify(v.sig, v.msg, v.key, { zip215: false });

describe('one Ed25519 acceptance rule', () => {
  const viaWebCrypto = webCryptoVerifier();

  it('an honest signature verifies everywhere, and the node layer signs honestly', async () => {
    expect([lax(honest), laxStrict(honest), await platform(honest), verify(honest.sig, honest.msg, honest.key)]).toEqual([true, true, true, true]);
    expect(await viaWebCrypto(honest.sig, honest.msg, honest.key)).toBe(true);
    const seed = new Uint8Array(32).fill(3);
    const pk = ed25519.getPublicKey(seed);
    const s = sign(msg, seed);
    expect(acceptableSignature(s, pk)).toBe(true);
    expect(verify(s, msg, pk) && (await viaWebCrypto(s, msg, pk))).toBe(true);
  });

  it('without the rule, the verifiers accept crafted signatures or disagree on them', async () => {
    const outcomes = await Promise.all(VECTORS.slice(1).map(async (v) => ({ name: v.name, noble: lax(v), nobleStrict: laxStrict(v), webCrypto: await platform(v) })));
    expect(outcomes).toEqual([
      { name: VECTORS[1]!.name, noble: true, nobleStrict: false, webCrypto: true },
      { name: VECTORS[2]!.name, noble: true, nobleStrict: true, webCrypto: true },
      { name: VECTORS[3]!.name, noble: true, nobleStrict: true, webCrypto: false },
      { name: VECTORS[4]!.name, noble: false, nobleStrict: false, webCrypto: false },
      { name: VECTORS[5]!.name, noble: true, nobleStrict: false, webCrypto: false },
      { name: VECTORS[6]!.name, noble: true, nobleStrict: false, webCrypto: true },
      { name: VECTORS[7]!.name, noble: true, nobleStrict: false, webCrypto: true },
      { name: VECTORS[8]!.name, noble: true, nobleStrict: true, webCrypto: false },
      { name: VECTORS[9]!.name, noble: true, nobleStrict: true, webCrypto: false },
    ]);
  });

  it('behind the rule, noble and WebCrypto refuse every crafted vector', async () => {
    for (const v of VECTORS.slice(1)) {
      expect([v.name, verify(v.sig, v.msg, v.key), await viaWebCrypto(v.sig, v.msg, v.key)]).toEqual([v.name, false, false]);
    }
  });

  it('refuses each of the 8 small-order points as key or R, with either sign bit, and nothing of prime order', () => {
    const good = honest.sig;
    for (const t of TORSION) {
      expect(t.isSmallOrder()).toBe(true);
      for (const enc of [t.toBytes(), withSignBit(t.toBytes())]) {
        expect(acceptableSignature(good, enc)).toBe(false);
        expect(acceptableSignature(concatBytes(enc, good.subarray(32)), honest.key)).toBe(false);
      }
    }
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: L - 1n }), (s) => acceptableSignature(good, Point.BASE.multiply(s).toBytes())),
      { numRuns: 200 },
    );
  });

  it('takes y < p and S < L exactly', () => {
    const [key, R, S] = [honest.key, honest.sig.subarray(0, 32), honest.sig.subarray(32)];
    const withY = (y: bigint): Uint8Array => le(y);
    // y = p − 2 is not a small-order y; p − 1 is (order 2); p and above are non-canonical.
    expect(acceptableSignature(honest.sig, withY(P - 2n))).toBe(true);
    for (const y of [P, P + 2n, 2n ** 255n - 1n]) {
      expect(acceptableSignature(honest.sig, withY(y))).toBe(false);
      expect(acceptableSignature(concatBytes(withY(y), S), key)).toBe(false);
    }
    expect(acceptableSignature(concatBytes(R, le(L - 1n)), key)).toBe(true);
    for (const s of [L, L + 1n, 2n ** 256n - 1n]) expect(acceptableSignature(concatBytes(R, numberToBytesLE(s, 32)), key)).toBe(false);
    expect(acceptableSignature(honest.sig.subarray(0, 63), key)).toBe(false);
    expect(acceptableSignature(honest.sig, key.subarray(0, 31))).toBe(false);
  });

  it('noble and WebCrypto give the same answer on mutated and torsion-shifted signatures', async () => {
    // Torsion shifts of the key or R are what a cofactored verifier (noble's own) would accept and WebCrypto not.
    const change = fc.record({
      part: fc.constantFrom('R' as const, 'key' as const, 'S' as const, 'message' as const),
      bit: fc.nat(255),
      torsion: fc.option(fc.integer({ min: 1, max: 7 })),
    });
    const shift = (b: Uint8Array, t: number): Uint8Array => {
      try {
        return Point.fromBytes(b).add(TORSION[t]!).toBytes();
      } catch {
        return b; // flipped off the curve before: nothing to shift
      }
    };
    const flip = (b: Uint8Array, bit: number): Uint8Array => Uint8Array.from(b, (x, i) => (i === (bit >> 3) % b.length ? x ^ (1 << (bit & 7)) : x));
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: L - 1n }), fc.bigInt({ min: 1n, max: L - 1n }), fc.array(change, { maxLength: 2 }), async (sk, nonce, changes) => {
        let key = Point.BASE.multiply(sk).toBytes();
        let R = Point.BASE.multiply(nonce).toBytes();
        for (const c of changes.filter((x) => x.part === 'R' || x.part === 'key')) {
          const next = (b: Uint8Array) => (c.torsion === null ? flip(b, c.bit) : shift(b, c.torsion));
          if (c.part === 'R') R = next(R);
          else key = next(key);
        }
        let sig = craft(sk, key, R, nonce, msg);
        let m: Uint8Array = msg;
        for (const c of changes) {
          if (c.part === 'S') sig = concatBytes(sig.subarray(0, 32), flip(sig.subarray(32), c.bit));
          if (c.part === 'message') m = flip(m, c.bit);
        }
        expect(verify(sig, m, key)).toBe(await viaWebCrypto(sig, m, key));
      }),
      { numRuns: 300 },
    );
  });
});
