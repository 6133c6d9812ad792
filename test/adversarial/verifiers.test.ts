import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { deviceIdFromPublicKey } from '../../src/core/crypto/device-id.ts';
import { concatBytes, fromHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { cidOf } from '../../src/core/encoding/cid.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { Hlc } from '../../src/core/facts/hlc.ts';
import { authorityNamespace, type ChannelId, type Namespace } from '../../src/core/ids.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { Adversary, community, type ContextHandle, flows, forgeFact, isMember, Profile, texts } from '../support/adversary.ts';
import { MemoryBus, until } from '../support/node-net.ts';

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const le = (n: bigint): Uint8Array => numberToBytesLE(n, 32);
const challenge = (R: Uint8Array, A: Uint8Array, m: Uint8Array): bigint => Point.Fn.create(bytesToNumberLE(sha512(concatBytes(R, A, m))));

/** The identity point (y = 1) and the point of order 2 (y = p − 1), as encodings. */
const IDENTITY = Point.ZERO.toBytes();
const ORDER_2 = le(Point.Fp.ORDER - 1n);
const ORDER_8 = fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

/**
 * An authority whose only device has a small-order public key, so every fact it writes carries `sig` for that
 * key: its self-join and a message. Unguarded, WebCrypto (Node's OpenSSL) takes both as signed.
 */
function smallOrderAuthority(ctx: ContextHandle, ch: ChannelId, key: Uint8Array, sig: (m: Uint8Array) => Uint8Array | null): ValidatedFact[] {
  const device = deviceIdFromPublicKey(key);
  // Some forgeries hold only for some messages (an odd challenge): try successive times until one does.
  const forge = <F extends ValidatedFact>(make: (time: Hlc, signer: (m: Uint8Array) => Uint8Array) => F): F => {
    for (let logical = 0; ; logical++) {
      let ok = true;
      const f = make({ wall: Date.now(), logical }, (m) => sig(m) ?? ((ok = false), new Uint8Array(64)));
      if (ok) return f;
    }
  };
  const body = { device, nonce: new Uint8Array(16).fill(key[0]! ^ 0x5a) };
  const author = cidOf(encodeCanonical(body));
  const genesis = forge((time, signer) => forgeFact({ ns: authorityNamespace(author), kind: 'authority.genesis', author, device, time, body }, signer));
  const binding = forge((time, signer) => forgeFact({ ns: ctx.ns, kind: 'rel.binding', author, device, time, body: { bindingType: 'member', authorities: [author], data: genesis.bytes } }, signer));
  const message = forge((time, signer) => forgeFact({ ns: ctx.ns, kind: 'chat.message', author, device, time, body: { channel: ch, text: 'signed by a small-order key', ack: false } }, signer));
  return [binding, message];
}

/** A message by a member's real key, with R and S of the attacker's choosing (`a` is the key's secret scalar). */
function withRealKey(ns: Namespace, ch: ChannelId, mallory: Adversary, make: (a: bigint, A: Uint8Array, m: Uint8Array, honest: Uint8Array) => Uint8Array): ValidatedFact {
  const { scalar: a, pointBytes: A } = ed25519.utils.getExtendedPublicKey(mallory.key.secretKey);
  return forgeFact(
    { ns, kind: 'chat.message', author: mallory.authority, device: mallory.device, time: mallory.now(), body: { channel: ch, text: 'signed oddly by a real key', ack: false } },
    (m) => make(a, A, m, ed25519.sign(m, mallory.key.secretKey)),
  );
}

interface Attack {
  readonly name: string;
  readonly facts: (ctx: ContextHandle, ch: ChannelId, mallory: Adversary) => ValidatedFact[];
}

const ATTACKS: Attack[] = [
  { name: 'identity key, R = identity, S = 0', facts: (ctx, ch) => smallOrderAuthority(ctx, ch, IDENTITY, () => concatBytes(IDENTITY, le(0n))) },
  {
    name: 'key and R of order 2, S = 0 (holds cofactorless when the challenge is odd)',
    facts: (ctx, ch) => smallOrderAuthority(ctx, ch, ORDER_2, (m) => (challenge(ORDER_2, ORDER_2, m) % 2n === 1n ? concatBytes(ORDER_2, le(0n)) : null)),
  },
  { name: 'R = identity with a real key (S = k·a)', facts: (ctx, ch, mallory) => [withRealKey(ctx.ns, ch, mallory, (a, A, m) => concatBytes(IDENTITY, le(Point.Fn.create(challenge(IDENTITY, A, m) * a))))] },
  { name: 'small-order R (order 8) with a real key', facts: (ctx, ch, mallory) => [withRealKey(ctx.ns, ch, mallory, (a, A, m) => concatBytes(ORDER_8, le(Point.Fn.create(challenge(ORDER_8, A, m) * a))))] },
  { name: 'non-canonical S (S + L)', facts: (ctx, ch, mallory) => [withRealKey(ctx.ns, ch, mallory, (_a, _A, _m, sig) => concatBytes(sig.subarray(0, 32), le(bytesToNumberLE(sig.subarray(32)) + L)))] },
];

const refusals = (p: Profile): Record<string, number> => Object.fromEntries(Object.entries(p.node.network().dropped).filter(([r]) => r.startsWith('invalid-fact:')));
const total = (r: Record<string, number>): number => (r['invalid-fact:BadSignature'] ?? 0) + (r['invalid-fact:Malformed'] ?? 0);

describe('small-order and non-canonical signatures, WebCrypto and noble verifiers alike', () => {
  it.each(ATTACKS)('$name: refused by both verifiers with the same answer', async ({ facts }) => {
    const bus = new MemoryBus();
    const honest = await Profile.open(bus, 'honest');
    const platform = await Profile.open(bus, 'platform', { verify: webCryptoVerifier() });
    const noble = await Profile.open(bus, 'noble');
    const { ch, ctx } = await community([honest, platform, noble]);
    const mallory = new Adversary('verifier-mallory');
    await mallory.join(bus, ctx, [platform, noble]);

    const forged = facts(ctx, ch, mallory);
    ctx.inject(bus, forged, mallory.device);
    for (const p of [platform, noble]) await until(() => total(refusals(p)) === forged.length, `${p.name} refuses every forged fact`);
    expect(refusals(platform)).toEqual(refusals(noble));
    for (const p of [platform, noble]) {
      for (const f of forged) expect(p.node.journals.fact(f.id)).toBeUndefined();
      expect(texts(p, ch).filter((t) => t.startsWith('signed'))).toEqual([]);
      const author = forged[0]!.fact.author;
      if (author !== mallory.authority) expect(isMember(p, ctx.context, author)).toBe(false);
    }
    await flows(honest, [platform, noble], ch, 'honest after the forged signatures');
    await flows(platform, [noble], ch, 'the WebCrypto node still writes');
  });
});
