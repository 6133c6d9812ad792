import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { base32 } from 'multiformats/bases/base32';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../src/core/encoding/bytes.ts';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { cidOf } from '../../src/core/encoding/cid.ts';
import {
  JoinCodeError,
  MAX_JOIN_CODE_CHARS,
  decodeJoinCode,
  encodeJoinCode,
  type JoinCode,
} from '../../src/core/facts/join-code.ts';
import { errorCode } from '../support/typed-outcome.ts';

const secret = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const sample: JoinCode = { context: 'ctx-bafyreigh2akiscaildc', secret, name: 'Book club' };

const codeOf = (f: () => unknown) => errorCode(f, JoinCodeError);

/** Builds a join code around any value with a correct checksum, to reach the checks behind it. */
function wrap(body: Uint8Array): string {
  const sum = createHash('sha256').update(body).digest().subarray(0, 4);
  return 'aura-join:' + base32.baseEncode(concatBytes(body, sum));
}
const wrapValue = (value: unknown) => wrap(encodeCanonical(value).slice());

/** Well-formed text of bounded UTF-16 length (lone surrogates cannot survive UTF-8, see below). */
const text = (min: number, max: number) =>
  fc.string({ unit: 'grapheme', minLength: min, maxLength: max }).filter((s) => s.length >= min && s.length <= max);
const joinArb = fc.record(
  { context: text(1, 128), secret: fc.uint8Array({ minLength: 32, maxLength: 32 }), name: text(1, 64) },
  { requiredKeys: ['context', 'secret'] },
);

describe('join code', () => {
  it('round-trips with and without a name', () => {
    fc.assert(
      fc.property(joinArb, (jc) => {
        const code = encodeJoinCode(jc);
        expect(code).toMatch(/^aura-join:[a-z2-7]+$/);
        expect(decodeJoinCode(code)).toEqual(jc);
      }),
      { numRuns: 300 },
    );
    const { name: _, ...unnamed } = sample;
    expect(decodeJoinCode(encodeJoinCode(unnamed))).toEqual(unnamed);
    expect('name' in decodeJoinCode(encodeJoinCode(unnamed))).toBe(false);
  });

  it('is base32 of canonical {v, c, s, n} followed by the first 4 bytes of its SHA-256', () => {
    const raw = base32.baseDecode(encodeJoinCode(sample).slice('aura-join:'.length));
    const body = raw.subarray(0, raw.length - 4);
    expect(toHex(raw.subarray(raw.length - 4))).toBe(createHash('sha256').update(body).digest('hex').slice(0, 8));
    expect(decodeCanonical(body)).toEqual({ v: 1, c: sample.context, s: secret, n: sample.name });
  });

  it('accepts surrounding whitespace and any letter case', () => {
    const code = encodeJoinCode(sample);
    for (const variant of [`  ${code}\n`, code.toUpperCase(), `\t${code.toUpperCase()} `, code.replace(/[a-m]/g, (c) => c.toUpperCase())]) {
      expect(decodeJoinCode(variant)).toEqual(sample);
    }
  });

  it('catches every single-character substitution of one code', () => {
    const code = encodeJoinCode(sample);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567018-:=/ .';
    for (let i = 0; i < code.length; i++) {
      for (const c of alphabet) {
        if (c === code[i]) continue;
        const typo = code.slice(0, i) + c + code.slice(i + 1);
        expect(['NotAJoinCode', 'Corrupt', 'Malformed'], `${i} → ${c}`).toContain(codeOf(() => decodeJoinCode(typo)));
      }
    }
  });

  it('never decodes a random single-character substitution, deletion or insertion', () => {
    const edit = fc.record({ kind: fc.constantFrom('sub', 'del', 'ins'), at: fc.nat(), c: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567=0') });
    fc.assert(
      fc.property(joinArb, edit, (jc, { kind, at, c }) => {
        const code = encodeJoinCode(jc);
        const i = at % code.length;
        const typo =
          kind === 'sub' ? code.slice(0, i) + c + code.slice(i + 1) : kind === 'del' ? code.slice(0, i) + code.slice(i + 1) : code.slice(0, i) + c + code.slice(i);
        fc.pre(typo !== code);
        expect(['NotAJoinCode', 'Corrupt', 'Malformed']).toContain(codeOf(() => decodeJoinCode(typo)));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses text without the prefix as NotAJoinCode', () => {
    const body = encodeJoinCode(sample).slice('aura-join:'.length);
    for (const t of ['', 'hello', body, `aura-joins:${body}`, `aura:${body}`, `https://x/aura-join:${body}`]) {
      expect(codeOf(() => decodeJoinCode(t)), t).toBe('NotAJoinCode');
    }
  });

  it('refuses bad base32, padding, short codes and bad checksums as Corrupt', () => {
    const code = encodeJoinCode(sample);
    for (const t of [`${code}=`, `${code}!`, code.replace(/.$/, '1'), 'aura-join:', 'aura-join:aaaaaaa', `${code}a`]) {
      expect(codeOf(() => decodeJoinCode(t)), t).toBe('Corrupt');
    }
    const body = encodeCanonical({ v: 1, c: 'x', s: secret }).slice();
    const good = wrap(body);
    expect(codeOf(() => decodeJoinCode(good))).toBe('none');
    const raw = base32.baseDecode(good.slice('aura-join:'.length));
    raw[raw.length - 1]! ^= 1;
    expect(codeOf(() => decodeJoinCode('aura-join:' + base32.baseEncode(raw)))).toBe('Corrupt');
  });

  it('refuses text longer than MAX_JOIN_CODE_CHARS as Corrupt before decoding it, even a well-formed code', () => {
    const huge = wrap(encodeCanonical({ v: 1, c: 'x'.repeat(3_000), s: secret }).slice());
    expect(huge.length).toBeGreaterThan(MAX_JOIN_CODE_CHARS);
    expect(codeOf(() => decodeJoinCode(huge))).toBe('Corrupt');
    expect(codeOf(() => decodeJoinCode(`aura-join:${'a'.repeat(10_000_000)}`))).toBe('Corrupt');
    const longest = encodeJoinCode({ ...sample, name: '字'.repeat(64) });
    expect(longest.length).toBeLessThan(MAX_JOIN_CODE_CHARS);
  });

  it('refuses a well-checksummed value that breaks the schema as Malformed', () => {
    const cases: unknown[] = [
      { v: 1, c: 'x', s: secret.subarray(0, 31) },
      { v: 1, c: 'x', s: new Uint8Array(33) },
      { v: 1, c: '', s: secret },
      { v: 1, c: 'x'.repeat(129), s: secret },
      { v: 1, c: 'x', s: secret, n: '' },
      { v: 1, c: 'x', s: secret, n: 'n'.repeat(65) },
      { v: 1, c: 'x', s: secret, extra: true },
      { v: 1, c: 'x' },
      { v: 1, c: 7, s: secret },
      { v: '1', c: 'x', s: secret },
      [1, 'x', secret],
      // An AuthorityId names that authority's own journal, shared by its devices: never joinable by code.
      { v: 1, c: cidOf(Uint8Array.of(1)), s: secret },
    ];
    for (const c of cases) expect(codeOf(() => decodeJoinCode(wrapValue(c)))).toBe('Malformed');
    expect(codeOf(() => decodeJoinCode(wrapValue({ v: 1, c: 'x'.repeat(128), s: secret, n: 'n'.repeat(64) })))).toBe('none');
    // Same value, keys out of canonical order: refused even with a valid checksum.
    const reordered = concatBytes(Uint8Array.of(0xa3, 0x61, 0x73, 0x58, 0x20), secret, Uint8Array.of(0x61, 0x63, 0x61, 0x78, 0x61, 0x76, 0x01));
    expect(decodeCanonical.bind(null, reordered)).toThrow();
    expect(codeOf(() => decodeJoinCode(wrap(reordered)))).toBe('Malformed');
  });

  it('another version is UnsupportedVersion', () => {
    expect(codeOf(() => decodeJoinCode(wrapValue({ v: 2, c: 'x', s: secret })))).toBe('UnsupportedVersion');
    expect(codeOf(() => decodeJoinCode(wrapValue({ v: 2, something: 'else' })))).toBe('UnsupportedVersion');
  });

  it('refuses to encode what it could not decode back', () => {
    expect(codeOf(() => encodeJoinCode({ ...sample, secret: new Uint8Array(31) }))).toBe('Malformed');
    expect(codeOf(() => encodeJoinCode({ ...sample, context: '' }))).toBe('Malformed');
    expect(codeOf(() => encodeJoinCode({ ...sample, name: '' }))).toBe('Malformed');
    expect(codeOf(() => encodeJoinCode({ ...sample, name: 'n'.repeat(65) }))).toBe('Malformed');
    // A lone surrogate would silently become U+FFFD in UTF-8 and name another context.
    expect(codeOf(() => encodeJoinCode({ ...sample, context: 'ctx-\uD800' }))).toBe('Malformed');
    expect(codeOf(() => encodeJoinCode({ ...sample, name: 'x\uDC00' }))).toBe('Malformed');
    expect(decodeJoinCode(encodeJoinCode({ ...sample, name: 'emoji 😀' })).name).toBe('emoji 😀');
  });
});
