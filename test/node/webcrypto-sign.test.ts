import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../src/core/crypto/ed25519.ts';
import { createFact, createFactWith } from '../../src/core/facts/create.ts';
import { createAcks, createAcksWith, verifyAckWith } from '../../src/core/facts/fact-ack.ts';
import { webCryptoSigner } from '../../src/node/webcrypto-sign.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { deviceKey } from '../support/fixtures.ts';

describe('platform Ed25519 signing', () => {
  const key = deviceKey('webcrypto-signer');

  it('gives the same signature bytes as the pure-JS signer (deterministic Ed25519), for facts and acks too', async () => {
    const signer = webCryptoSigner(key);
    for (const msg of [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(1000).fill(7)]) {
      const s = await signer(msg);
      expect(s).toEqual(sign(msg, key.secretKey));
      expect(verify(s, msg, key.publicKey)).toBe(true);
    }
    const draft = { ns: 'context:abcdefghijkl', kind: 'chat.channel', author: 'alice-authority', time: { wall: 5, logical: 0 }, body: { name: 'x' } } as const;
    expect((await createFactWith(key, draft, signer)).bytes).toEqual(createFact(key, draft).bytes);
    const ack = { ns: 'context:abcdefghijkl', facts: [createFact(key, draft).id], by: 'bob-authority', at: 9 } as const;
    const made = await createAcksWith(key, ack, signer);
    expect(made).toEqual(createAcks(key, ack));
    expect((await verifyAckWith(made[0]!, ack.ns, webCryptoVerifier())).facts).toEqual(ack.facts);
  });

  it('an ack whose signature does not verify on the platform is refused, typed', async () => {
    const [ack] = createAcks(key, { ns: 'context:abcdefghijkl', facts: [createFact(key, { ns: 'context:abcdefghijkl', kind: 'chat.channel', author: 'a', time: { wall: 1, logical: 0 }, body: { name: 'y' } }).id], by: 'b', at: 1 });
    const bad = ack!.slice();
    bad[bad.length - 1]! ^= 1;
    await expect(verifyAckWith(bad, 'context:abcdefghijkl', webCryptoVerifier())).rejects.toMatchObject({ code: 'BadSignature' });
  });

  it('a platform without Ed25519 falls back to the pure-JS signer', async () => {
    const noEd25519 = { importKey: () => Promise.reject(new DOMException('no', 'NotSupportedError')) } as unknown as SubtleCrypto;
    const msg = new Uint8Array([4, 5, 6]);
    expect(await webCryptoSigner(key, noEd25519)(msg)).toEqual(sign(msg, key.secretKey));
  });
});
