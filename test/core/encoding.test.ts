import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import * as dagCbor from '@ipld/dag-cbor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceIdFromPublicKey, publicKeyOfDevice } from '../../src/core/crypto/device-id.ts';
import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { fromHex, toHex } from '../../src/core/encoding/bytes.ts';
import { decodeCanonical, DecodeError, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { cidOf } from '../../src/core/encoding/cid.ts';
import { createFact } from '../../src/core/facts/create.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { contextNamespace } from '../../src/core/ids.ts';

/**
 * Golden vectors: these bytes and ids are committed on purpose. Any change to the canonical encoding,
 * the envelope, the signing domain or the id scheme breaks them — and would split the network.
 */
const GOLDEN = {
  deviceId: '12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7',
  authorityId: 'bafyreihbwy44ti7pqrktuwreajtak56fhi5yawwqddcjwmq5jurbmltsju',
  genesisId: 'bafyreihnlvtwuqw6rs3clqvumrepvqidkx4j7o5h67c77xjov4gznjljqm',
  genesisHex:
    'a8617601626e737845617574686f726974793a626166797265696862777934347469377071726b7475777265616a74616b35366668693579617777716464636a776d71356a7572626d6c74736a756373696758401417f0ea9eee887b71af623796f9c7aa3b9423414534a2c806be00bfc96adce1c40deb314869f99575d113c88ada4ea10b331deb2701c3a2f5da26e93e773f0964626f6479a3646e616d6565616c696365656e6f6e63655009090909090909090909090909090909666465766963657834313244334b6f6f5752617750627850745031655a614a70756d476e7957583244635579643352516e796472336541746f34417a37646b696e6471617574686f726974792e67656e657369736474696d65a26477616c6c1b0000018bcfe56800676c6f676963616c0066617574686f72783b626166797265696862777934347469377071726b7475777265616a74616b35366668693579617777716464636a776d71356a7572626d6c74736a75666465766963657834313244334b6f6f5752617750627850745031655a614a70756d476e7957583244635579643352516e796472336541746f34417a37',
  messageId: 'bafyreihprk5ggx5re77gjb2zvqyge5ookrydovpsjcn75f4tuvkwp6wvqy',
  messageHex:
    'a8617601626e7372636f6e746578743a6374782d676f6c64656e6373696758407bf819d6e56288bebc4b2abd1b52be3ed33aac5e4b8ba4f86ccf4de4880edcfc8628fbd30f3c65e95105b13a731721cfd4edca39194cb1c16c565f9f5c37530464626f6479a36361636bf564746578746b68656c6c6f2c2061757261676368616e6e656c783b62616679726569686e6c76747775717736727333636c7176756d726570767169646b78346a376f35683637633737786a6f7634677a6e6a6c6a716d646b696e646c636861742e6d6573736167656474696d65a26477616c6c1b0000018bcfe56801676c6f676963616c0366617574686f72783b626166797265696862777934347469377071726b7475777265616a74616b35366668693579617777716464636a776d71356a7572626d6c74736a75666465766963657834313244334b6f6f5752617750627850745031655a614a70756d476e7957583244635579643352516e796472336541746f34417a37',
};

describe('golden vectors', () => {
  const key = deviceKeyFromSeed(new Uint8Array(32).fill(7));
  const genesis = createGenesis(key, new Uint8Array(16).fill(9), { wall: 1_700_000_000_000, logical: 0 }, 'alice');

  it('device id, authority id, genesis bytes and FactId are stable', () => {
    expect(key.deviceId).toBe(GOLDEN.deviceId);
    expect(genesis.fact.author).toBe(GOLDEN.authorityId);
    expect(toHex(genesis.bytes)).toBe(GOLDEN.genesisHex);
    expect(genesis.id).toBe(GOLDEN.genesisId);
  });

  it('a message fact encodes to the committed bytes and id', () => {
    const m = createFact(key, {
      ns: contextNamespace('ctx-golden'),
      kind: 'chat.message',
      author: genesis.fact.author,
      time: { wall: 1_700_000_000_001, logical: 3 },
      body: { channel: genesis.id, text: 'hello, aura', ack: true },
    });
    expect(toHex(m.bytes)).toBe(GOLDEN.messageHex);
    expect(m.id).toBe(GOLDEN.messageId);
    expect(cidOf(fromHex(GOLDEN.messageHex))).toBe(GOLDEN.messageId);
  });
});

describe('canonical encoding', () => {
  it('is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.integer()), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(toHex(encodeCanonical(d))).toBe(toHex(encodeCanonical(reversed)));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-minimal integers and garbage with a typed error', () => {
    // 0x18 0x01 is the integer 1 in a two-byte form; canonical CBOR requires the one-byte 0x01.
    expect(() => decodeCanonical(Uint8Array.of(0x18, 0x01))).toThrow(DecodeError);
    expect(() => decodeCanonical(Uint8Array.of(0xff, 0x00))).toThrow(expect.objectContaining({ code: 'Malformed' }));
  });

  it('rejects maps with keys out of canonical order as NonCanonical', () => {
    // {"b":1,"a":2} written in that order: the plain decoder accepts it, our canonical check must not.
    const bytes = Uint8Array.of(0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02);
    expect(dagCbor.decode(bytes)).toEqual({ a: 2, b: 1 });
    expect(() => decodeCanonical(bytes)).toThrow(expect.objectContaining({ code: 'NonCanonical' }));
  });
});

describe('DeviceId', () => {
  it('equals the libp2p PeerId of the same Ed25519 key, and round-trips to the key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const k = deviceKeyFromSeed(seed);
        expect(k.deviceId).toBe(peerIdFromPublicKey(publicKeyFromRaw(k.publicKey)).toString());
        expect(toHex(publicKeyOfDevice(k.deviceId)!)).toBe(toHex(k.publicKey));
        expect(deviceIdFromPublicKey(k.publicKey)).toBe(k.deviceId);
      }),
      { numRuns: 50 },
    );
  });

  it('is not a key when it is not an Ed25519 PeerId', () => {
    expect(publicKeyOfDevice('not-a-peer-id')).toBeNull();
    expect(publicKeyOfDevice('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')).toBeNull();
  });
});
