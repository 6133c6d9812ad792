import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/core/encoding/bytes.ts';
import { decodeCanonical, DecodeError, encodeCanonical, MAX_CBOR_DEPTH, type DecodeErrorCode, type WorkMeter } from '../../src/core/encoding/cbor.ts';

function codeOf(bytes: Uint8Array): DecodeErrorCode | 'ok' {
  try {
    decodeCanonical(bytes);
    return 'ok';
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
}
const hex = (h: string): DecodeErrorCode | 'ok' => codeOf(fromHex(h.replace(/ /g, '')));
const nested = (depth: number, open: number[], leaf = [0x00]): Uint8Array =>
  Uint8Array.from([...Array.from({ length: depth }, () => open).flat(), ...leaf]);

describe('decodeCanonical accepts exactly our encodings', () => {
  it('round-trips boundary integers, text with a BOM or astral characters, bytes, "__proto__" keys', () => {
    const values: unknown[] = [
      [0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER],
      [-1, -24, -25, -256, -257, -(2 ** 32), -(2 ** 32) - 1, -Number.MAX_SAFE_INTEGER],
      ['', '\uFEFF', '\uFEFFhello', 'é', '😀', 'a/b'],
      { bytes: new Uint8Array([1, 2, 3]), empty: new Uint8Array(0), flags: [true, false, null] },
      JSON.parse('{"__proto__": {"x": 1}, "a": [{}]}'),
    ];
    for (const v of values) {
      const bytes = encodeCanonical(v);
      const back = decodeCanonical(bytes);
      expect(back).toEqual(v);
      expect(toHex(encodeCanonical(back))).toBe(toHex(bytes));
    }
    // The library decoder drops a leading BOM, so a message starting with one would not survive it.
    expect(dagCbor.decode(encodeCanonical('\uFEFFhi'))).toBe('hi');
    expect(decodeCanonical(encodeCanonical('\uFEFFhi'))).toBe('\uFEFFhi');
    const proto = decodeCanonical<Record<string, unknown>>(encodeCanonical(JSON.parse('{"__proto__": 1}')));
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('hands back byte strings as plain Uint8Array copies, even from a Node Buffer', () => {
    const input = Buffer.from(encodeCanonical({ b: new Uint8Array([1, 2, 3]) }));
    const out = decodeCanonical<{ b: Uint8Array }>(input).b;
    expect(Buffer.isBuffer(out)).toBe(false);
    input[input.length - 1] = 9;
    expect([...out]).toEqual([1, 2, 3]);
  });

  it(`nests up to MAX_CBOR_DEPTH (${MAX_CBOR_DEPTH}) arrays and maps, and no deeper`, () => {
    expect(codeOf(nested(MAX_CBOR_DEPTH, [0x81]))).toBe('ok');
    expect(codeOf(nested(MAX_CBOR_DEPTH, [0xa1, 0x61, 0x61]))).toBe('ok');
    expect(codeOf(nested(MAX_CBOR_DEPTH + 1, [0x81]))).toBe('Malformed');
    expect(codeOf(nested(MAX_CBOR_DEPTH + 1, [0xa1, 0x61, 0x61]))).toBe('Malformed');
  });
});

describe('decodeCanonical refuses with a typed DecodeError', () => {
  it('integers and lengths longer than their shortest form: NonCanonical', () => {
    expect(hex('18 01')).toBe('NonCanonical');
    expect(hex('19 00ff')).toBe('NonCanonical');
    expect(hex('1a 0000ffff')).toBe('NonCanonical');
    expect(hex('1b 00000000ffffffff')).toBe('NonCanonical');
    expect(hex('38 00')).toBe('NonCanonical');
    expect(hex('58 01 aa')).toBe('NonCanonical');
    expect(hex('78 01 61')).toBe('NonCanonical');
    expect(hex('98 01 00')).toBe('NonCanonical');
    expect(hex('b8 01 6161 00')).toBe('NonCanonical');
  });

  it('integers beyond the safe range: Malformed', () => {
    expect(hex('1b 001fffffffffffff')).toBe('ok');
    expect(hex('1b 0020000000000000')).toBe('Malformed');
    expect(hex('3b 001ffffffffffffe')).toBe('ok');
    expect(hex('3b 001fffffffffffff')).toBe('Malformed');
    expect(hex('1b ffffffffffffffff')).toBe('Malformed');
  });

  it('tags (a tag-42 CID included), floats, undefined, other simple values, break: Malformed', () => {
    const link = dagCbor.encode({ x: CID.parse('bafyreihbwy44ti7pqrktuwreajtak56fhi5yawwqddcjwmq5jurbmltsju') });
    expect(toHex(link)).toContain('d82a5825000171');
    expect(codeOf(link)).toBe('Malformed');
    expect(hex('c1 00')).toBe('Malformed');
    for (const h of ['f93c00', 'fa3f800000', 'fb3ff0000000000000', 'f7', 'f0', 'f820', 'ff']) expect(hex(h)).toBe('Malformed');
  });

  it('indefinite lengths and reserved heads: Malformed', () => {
    for (const h of ['9f ff', 'bf ff', '5f ff', '7f ff', '1c', '5d', '9e']) expect(hex(h)).toBe('Malformed');
    // Followed by enough bytes for a 16- or 128-byte argument, which a head reader must not invent.
    expect(hex(`1c ${'00'.repeat(16)}`)).toBe('Malformed');
    expect(hex(`1f ${'00'.repeat(128)}`)).toBe('Malformed');
  });

  it('a map shaped like a CID link: Malformed, where the library re-encode threw a TypeError', () => {
    const link = fromHex('a2612f0165627974657301'); // {"/": 1, "bytes": 1}
    expect(() => dagCbor.encode(dagCbor.decode(link))).toThrow(TypeError);
    expect(codeOf(link)).toBe('Malformed');
    expect(codeOf(encodeCanonical({ a: [{ b: 'x' }] }).map((b) => (b === 0x62 ? 0x2f : b)))).toBe('Malformed'); // "/" deep inside
  });

  it('map keys: out of order NonCanonical; duplicated, not text or not UTF-8 Malformed', () => {
    expect(hex('a2 6161 01 6162 02')).toBe('ok');
    expect(hex('a2 6162 01 626161 02')).toBe('ok'); // "b" before "aa": shorter first
    expect(hex('a2 6162 01 6161 02')).toBe('NonCanonical');
    expect(hex('a2 626161 01 6162 02')).toBe('NonCanonical'); // "aa" before "b"
    expect(hex('a2 6161 01 6161 02')).toBe('Malformed');
    expect(hex('a1 01 02')).toBe('Malformed');
    expect(hex('a1 61ff 02')).toBe('Malformed');
  });

  it('text that is not UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated): Malformed', () => {
    for (const h of ['62c0af', '63eda080', '64f4908080', '62e282', '6180']) expect(hex(h)).toBe('Malformed');
  });

  it('lengths beyond the input, checked before anything is read or allocated: Malformed', () => {
    for (const h of ['5b 001fffffffffffff', '5a ffffffff 00', '7a 7fffffff 61', '9a ffffffff 00', 'ba 7fffffff 6161 00', '82 00', 'a1 6161']) {
      expect(hex(h)).toBe('Malformed');
    }
  });

  it('nothing, or something after the item: Malformed', () => {
    expect(codeOf(new Uint8Array(0))).toBe('Malformed');
    expect(hex('00 00')).toBe('Malformed');
  });

  it('nesting 10 000 deep is a DecodeError, not a stack overflow', () => {
    for (const open of [[0x81], [0xa1, 0x61, 0x61], [0xd8, 0x2a], [0x9f]]) expect(codeOf(nested(10_000, open))).toBe('Malformed');
  });
});

describe('decoding work is linear in the input', () => {
  /** Steps for one input, refused or not. */
  function steps(bytes: Uint8Array): number {
    const meter: WorkMeter = { steps: 0 };
    try {
      decodeCanonical(bytes, meter);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
    return meter.steps;
  }

  /** Inputs that make a naive decoder work hard: long keys sharing prefixes, many tiny items, long text, deep nesting. */
  const families: Record<string, (n: number) => Uint8Array> = {
    sharedPrefixKeys: (n) => encodeCanonical(Object.fromEntries(Array.from({ length: n }, (_, i) => ['k'.repeat(64) + String(i).padStart(6, '0'), i]))),
    tinyItems: (n) => encodeCanonical(Array.from({ length: 8 * n }, () => 0)),
    nestedLists: (n) => encodeCanonical(Array.from({ length: n }, () => [[[[[1]]]]])),
    longText: (n) => encodeCanonical('é'.repeat(32 * n)),
    deep: (n) => nested(64 * n, [0x81]),
    hugeDeclaredArray: (n) => Uint8Array.from([0x9a, 0x7f, 0xff, 0xff, 0xff, ...new Array(64 * n).fill(0)]),
    hugeDeclaredBytes: (n) => Uint8Array.from([0x5a, 0x7f, 0xff, 0xff, 0xff, ...new Array(64 * n).fill(0)]),
  };

  it('a declared length beyond the input is refused at its head, whatever follows it', () => {
    const items = new Array(65_536).fill(0); // 64 Ki valid one-byte items, which a decoder that trusted the head would read
    for (const head of [[0x9a, 0x7f, 0xff, 0xff, 0xff], [0xba, 0x7f, 0xff, 0xff, 0xff], [0x5a, 0x7f, 0xff, 0xff, 0xff], [0x7a, 0x7f, 0xff, 0xff, 0xff]]) {
      expect(steps(Uint8Array.from([...head, ...items]))).toBe(1);
    }
  });

  for (const [name, make] of Object.entries(families)) {
    it(`${name}: at most 3 steps per byte, at every size`, () => {
      for (const n of [1, 16, 256, 2048]) {
        const bytes = make(n);
        expect(steps(bytes), `${bytes.length} bytes`).toBeLessThanOrEqual(3 * bytes.length + 1);
      }
    });
  }
});
