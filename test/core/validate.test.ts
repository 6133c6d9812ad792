import { describe, expect, it } from 'vitest';
import { sign } from '../../src/core/crypto/ed25519.ts';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createFact } from '../../src/core/facts/create.ts';
import type { FactErrorCode } from '../../src/core/facts/errors.ts';
import { FACT_VERSION, MAX_FACT_BYTES, type Fact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import type { FactKind } from '../../src/core/facts/kinds/index.ts';
import { signingBytes } from '../../src/core/facts/signing.ts';
import { validateFact, validateFactWith } from '../../src/core/facts/validate.ts';
import { authorityNamespace, contextNamespace } from '../../src/core/ids.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const alice = deviceKey('alice');
const bob = deviceKey('bob');
const genesis = createGenesis(alice, new Uint8Array(16), { wall: 1, logical: 0 });
const authority = genesis.fact.author;
const ctx = contextNamespace('ctx-1');
const chat = new Writer(alice, authority, ctx);
const channel = chat.fact('chat.channel', { name: 'general' });
const time = { wall: 5, logical: 0 };

function rejects(bytes: Uint8Array, code: FactErrorCode, opts = {}): void {
  expect(() => validateFact(bytes, opts)).toThrow(expect.objectContaining({ name: 'FactValidationError', code }));
}

/** Signs any envelope, even one our typed API would refuse to build. */
function signRaw(fields: Omit<Fact, 'sig' | 'v'>, key = alice): Uint8Array {
  const unsigned = { v: FACT_VERSION, ...fields } as Fact;
  return encodeCanonical({ ...unsigned, sig: sign(signingBytes(unsigned), key.secretKey) });
}

describe('validateFact accepts', () => {
  it('a genesis and a message, returning the id the writer computed', () => {
    expect(validateFact(genesis.bytes).id).toBe(genesis.id);
    const m = chat.fact('chat.message', { channel: channel.id, text: 'hi', ack: true });
    expect(validateFact(m.bytes, { namespace: ctx }).id).toBe(m.id);
  });
});

describe('validateFact rejects with a typed error', () => {
  it('TooLarge: a correctly signed fact over the size limit', () => {
    const voters = Array.from({ length: 200 }, (_, i) => `voter-${i}-${'x'.repeat(80)}`);
    const big = chat.fact('proposal.create', { subject: 's', operation: 'o', args: [], rule: { type: 'Any' }, voters, expiresAt: 10 });
    expect(big.bytes.length).toBeGreaterThan(MAX_FACT_BYTES);
    rejects(big.bytes, 'TooLarge');
  });

  it('Malformed: bytes that are not CBOR', () => {
    rejects(Uint8Array.of(0xff, 0xfe, 0x01), 'Malformed');
  });

  it('Malformed: an envelope without a signature', () => {
    const { sig: _sig, ...rest } = channel.fact;
    rejects(encodeCanonical(rest), 'Malformed');
  });

  it('Malformed: a signed body that breaks its schema', () => {
    const bytes = signRaw({ ns: ctx, kind: 'chat.message', author: authority, device: alice.deviceId, time, body: { channel: channel.id, text: '', ack: true } as never });
    rejects(bytes, 'Malformed');
  });

  it('Malformed: a float where an integer belongs', () => {
    const bytes = signRaw({ ns: ctx, kind: 'amp.checkpoint', author: authority, device: alice.deviceId, time, body: { channel: 'c', chanEpoch: 1.5, generation: 1 } as never });
    rejects(bytes, 'Malformed');
  });

  it('NonCanonical: the same envelope with its map keys out of canonical order', () => {
    const entries = Object.entries(channel.fact).sort(([a], [b]) => (a < b ? 1 : -1));
    const bytes = concatBytes(Uint8Array.of(0xa0 + entries.length), ...entries.flatMap(([k, v]) => [encodeCanonical(k), encodeCanonical(v)]));
    rejects(bytes, 'NonCanonical');
  });

  it('BadSignature: a flipped signature bit', () => {
    const sig = channel.fact.sig.slice();
    sig[10]! ^= 1;
    rejects(encodeCanonical({ ...channel.fact, sig }), 'BadSignature');
  });

  it('BadSignature: signed by another key than the device it names', () => {
    const bytes = signRaw({ ns: ctx, kind: 'chat.channel', author: authority, device: alice.deviceId, time, body: { name: 'x' } }, bob);
    rejects(bytes, 'BadSignature');
  });

  it('BadSignature: a field changed after signing', () => {
    rejects(encodeCanonical({ ...channel.fact, time: { wall: 999, logical: 0 } }), 'BadSignature');
  });

  it('WrongNamespace: addressed to another journal than the one it is offered to', () => {
    rejects(channel.bytes, 'WrongNamespace', { namespace: contextNamespace('ctx-2') });
  });

  it('WrongNamespace: a context-only kind in an authority journal, and the reverse', () => {
    const w = new Writer(alice, authority, authorityNamespace(authority));
    rejects(w.fact('chat.channel', { name: 'x' }).bytes, 'WrongNamespace');
    const op = chat.fact('tree.op', { parentEpoch: 0, parentCommitment: '0'.repeat(64), op: { type: 'RotateEpoch' } });
    rejects(op.bytes, 'WrongNamespace');
  });

  it("WrongNamespace: writing another authority's journal", () => {
    const intruder = new Writer(bob, 'bafy-bob', authorityNamespace(authority));
    rejects(intruder.fact('tree.op', { parentEpoch: 0, parentCommitment: '0'.repeat(64), op: { type: 'RotateEpoch' } }).bytes, 'WrongNamespace');
  });

  it('WrongNamespace: a genesis whose author is not the CID of its body', () => {
    const body = { device: alice.deviceId, nonce: new Uint8Array(16) };
    const fake = createFact(alice, { ns: authorityNamespace('bafy-other'), kind: 'authority.genesis', author: 'bafy-other', time, body });
    rejects(fake.bytes, 'WrongNamespace');
  });

  it('UnknownKind: a correctly signed fact of a kind nobody defined', () => {
    const bytes = signRaw({ ns: ctx, kind: 'chat.teleport' as FactKind, author: authority, device: alice.deviceId, time, body: {} as never });
    rejects(bytes, 'UnknownKind');
  });
});

describe('validateFactWith an injected verifier', () => {
  const webCryptoVerify = async (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array) => {
    const key = await crypto.subtle.importKey('raw', pk as BufferSource, { name: 'Ed25519' }, false, ['verify']);
    return crypto.subtle.verify('Ed25519', key, sig as BufferSource, msg as BufferSource);
  };

  it('accepts what the pure-JS verifier accepts, using WebCrypto Ed25519', async () => {
    const m = chat.fact('chat.message', { channel: channel.id, text: 'via webcrypto', ack: false });
    expect((await validateFactWith(m.bytes, webCryptoVerify)).id).toBe(m.id);
  });

  it('rejects a forged signature as BadSignature', async () => {
    const sig = channel.fact.sig.slice();
    sig[0]! ^= 0x80;
    await expect(validateFactWith(encodeCanonical({ ...channel.fact, sig }), webCryptoVerify)).rejects.toMatchObject({ code: 'BadSignature' });
  });

  it('runs the structural checks before asking the verifier', async () => {
    let asked = 0;
    const counting = async () => (asked++, true);
    await expect(validateFactWith(Uint8Array.of(0xff), counting)).rejects.toMatchObject({ code: 'Malformed' });
    expect(asked).toBe(0);
  });
});

