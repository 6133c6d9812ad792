import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextKey, contextTopic } from '../../src/core/crypto/context-keys.ts';
import { SealError, open, seal } from '../../src/core/crypto/seal.ts';
import { bytesEqual, fromHex, utf8 } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { MAX_FACT_BYTES } from '../../src/core/facts/fact.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import {
  EnvelopeError,
  MAX_ENVELOPE_BYTES,
  MAX_ENVELOPE_FACTS,
  decodeEnvelope,
  encodeEnvelope,
  envelopeSize,
  packEnvelopes,
} from '../../src/core/net/gossip-envelope.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { errorCode } from '../support/typed-outcome.ts';

const codeOf = (f: () => unknown) => errorCode(f, EnvelopeError);

/** A recognisable fact-sized blob: its first two bytes carry its index so order is checkable. */
function blob(len: number, index: number): Uint8Array {
  const b = new Uint8Array(len).fill(0xa5);
  b[0] = index & 0xff;
  if (len > 1) b[1] = index >> 8;
  return b;
}

const factsArb = fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { minLength: 1, maxLength: MAX_ENVELOPE_FACTS });

describe('gossip envelope', () => {
  it('round-trips real signed facts', () => {
    const w = new Writer(deviceKey('envelope'), 'auth-envelope', contextNamespace('ctx-envelope'));
    const facts = [
      w.fact('chat.channel', { name: 'general', topic: 'hi' }),
      w.fact('chat.channel', { name: 'random' }),
    ].map((f) => Uint8Array.from(f.bytes));
    expect(decodeEnvelope(encodeEnvelope(facts))).toEqual(facts);
  });

  it('round-trips any 1..64 facts, and its size is known without encoding', () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        const bytes = encodeEnvelope(facts);
        expect(bytes).toHaveLength(envelopeSize(facts));
        expect(decodeEnvelope(bytes)).toEqual(facts);
      }),
      { numRuns: 200 },
    );
  });

  it('has the documented layout {v: 1, facts: [bytes]}', () => {
    // a2 | 61 'v' 01 | 65 'facts' 82 41 01 42 02 03 — keys length-first as DAG-CBOR requires.
    expect(encodeEnvelope([Uint8Array.of(1), Uint8Array.of(2, 3)])).toEqual(fromHex('a2617601656661637473824101420203'));
  });

  it('returns bytes it owns: a later encode leaves the first untouched', () => {
    const first = encodeEnvelope([blob(300, 1), blob(5, 2)]);
    const copy = first.slice();
    encodeEnvelope([blob(300, 3), blob(7, 4)]);
    encodeEnvelope([blob(20, 5)]);
    expect(first).toEqual(copy);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(first.length);
  });

  it('map keys in the wrong order are NonCanonical', () => {
    // {facts: [h'01'], v: 1} with "facts" first: same value, not the canonical bytes.
    expect(codeOf(() => decodeEnvelope(fromHex('a2656661637473814101617601')))).toBe('NonCanonical');
    expect(codeOf(() => decodeEnvelope(fromHex('a2617601656661637473814101')))).toBe('none');
  });

  it('refuses what is not an envelope as Malformed', () => {
    const cases: unknown[] = [
      [1, [Uint8Array.of(1)]],
      { v: 1 },
      { v: 1, facts: [Uint8Array.of(1)], x: 0 },
      { v: 1, facts: Uint8Array.of(1) },
      { v: 1, facts: [] },
      { v: 1, facts: ['text'] },
      { v: 1, facts: [new Uint8Array()] },
      { v: '1', facts: [Uint8Array.of(1)] },
      { facts: [Uint8Array.of(1)] },
      Uint8Array.of(1),
    ];
    for (const c of cases) expect(codeOf(() => decodeEnvelope(encodeCanonical(c).slice())), JSON.stringify(c)).toBe('Malformed');
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(0xff)))).toBe('Malformed');
    expect(codeOf(() => decodeEnvelope(new Uint8Array()))).toBe('Malformed');
    expect(codeOf(() => encodeEnvelope([]))).toBe('Malformed');
    expect(codeOf(() => encodeEnvelope([new Uint8Array()]))).toBe('Malformed');
  });

  it('another version is UnsupportedVersion, whatever the rest holds', () => {
    for (const v of [0, 2, 255]) {
      expect(codeOf(() => decodeEnvelope(encodeCanonical({ v, facts: [Uint8Array.of(1)] }).slice()))).toBe('UnsupportedVersion');
      expect(codeOf(() => decodeEnvelope(encodeCanonical({ v, other: 'shape' }).slice()))).toBe('UnsupportedVersion');
    }
  });

  it('too many facts, too large a fact, or too many bytes is TooLarge', () => {
    const many = Array.from({ length: MAX_ENVELOPE_FACTS + 1 }, (_, i) => blob(4, i));
    expect(codeOf(() => encodeEnvelope(many))).toBe('TooLarge');
    expect(codeOf(() => encodeEnvelope(many.slice(1)))).toBe('none');
    expect(codeOf(() => decodeEnvelope(encodeCanonical({ v: 1, facts: many }).slice()))).toBe('TooLarge');

    const big = [blob(MAX_FACT_BYTES + 1, 0)];
    expect(codeOf(() => encodeEnvelope(big))).toBe('TooLarge');
    expect(codeOf(() => encodeEnvelope([blob(MAX_FACT_BYTES, 0)]))).toBe('none');
    expect(codeOf(() => decodeEnvelope(encodeCanonical({ v: 1, facts: big }).slice()))).toBe('TooLarge');

    // Five full facts (3-byte heads) plus one of 4027 bytes fill the envelope exactly.
    const full = [...Array.from({ length: 5 }, (_, i) => blob(MAX_FACT_BYTES, i)), blob(4027, 5)];
    expect(encodeEnvelope(full)).toHaveLength(MAX_ENVELOPE_BYTES);
    const over = [...full.slice(0, 5), blob(4028, 5)];
    expect(envelopeSize(over)).toBe(MAX_ENVELOPE_BYTES + 1);
    expect(codeOf(() => encodeEnvelope(over))).toBe('TooLarge');
    expect(codeOf(() => decodeEnvelope(encodeCanonical({ v: 1, facts: over }).slice()))).toBe('TooLarge');
    expect(codeOf(() => decodeEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1)))).toBe('TooLarge');
  });

  it('seals with the context key, bound to its topic', () => {
    const a = new Uint8Array(32).fill(1);
    const b = new Uint8Array(32).fill(2);
    const facts = [blob(100, 0), blob(200, 1)];
    const nonce = new Uint8Array(24).fill(3);
    const sealed = seal(contextKey(a), nonce, encodeEnvelope(facts), utf8.encode(contextTopic(a)));
    expect(decodeEnvelope(open(contextKey(a), sealed, utf8.encode(contextTopic(a))))).toEqual(facts);
    expect(() => open(contextKey(a), sealed, utf8.encode(contextTopic(b)))).toThrow(SealError);
  });
});

describe('packEnvelopes', () => {
  const sizesArb = fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: MAX_FACT_BYTES })), { maxLength: 160 });

  it('keeps order, respects every limit, and closes a group only when the next fact would not fit', () => {
    fc.assert(
      fc.property(sizesArb, (sizes) => {
        const facts = sizes.map((len, i) => blob(len, i));
        const groups = packEnvelopes(facts);
        const flat = groups.flat();
        expect(flat).toHaveLength(facts.length);
        flat.forEach((f, i) => expect(f).toBe(facts[i]));
        groups.forEach((g, i) => {
          expect(g.length).toBeGreaterThanOrEqual(1);
          expect(g.length).toBeLessThanOrEqual(MAX_ENVELOPE_FACTS);
          const bytes = encodeEnvelope(g);
          expect(bytes.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
          const decoded = decodeEnvelope(bytes);
          expect(decoded).toHaveLength(g.length);
          expect(decoded.every((f, j) => bytesEqual(f, g[j]!))).toBe(true);
          const next = groups[i + 1];
          if (next) expect(g.length === MAX_ENVELOPE_FACTS || envelopeSize([...g, next[0]!]) > MAX_ENVELOPE_BYTES).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('splits on the count limit and on the byte limit', () => {
    expect(packEnvelopes([])).toEqual([]);
    const small = Array.from({ length: 130 }, (_, i) => blob(10, i));
    expect(packEnvelopes(small).map((g) => g.length)).toEqual([64, 64, 2]);
    const large = Array.from({ length: 11 }, (_, i) => blob(MAX_FACT_BYTES, i));
    expect(packEnvelopes(large).map((g) => g.length)).toEqual([5, 5, 1]);
  });

  it('refuses a fact no envelope can carry', () => {
    expect(codeOf(() => packEnvelopes([blob(5, 0), blob(MAX_FACT_BYTES + 1, 1)]))).toBe('TooLarge');
    expect(codeOf(() => packEnvelopes([blob(5, 0), new Uint8Array()]))).toBe('Malformed');
  });

  it('decoded facts do not change when another envelope is decoded', () => {
    const first = decodeEnvelope(encodeEnvelope([blob(300, 1)]));
    const copy = first.map((f) => f.slice());
    decodeEnvelope(encodeEnvelope([blob(310, 2)]));
    expect(first).toEqual(copy);
  });
});
