import fc from 'fast-check';
import { decodeCanonical } from '../../src/core/encoding/cbor.ts';

/**
 * Hostile CBOR for the decoder fuzz tests. Items are written by hand, so they can be anything a peer can
 * send and our encoder never writes: tags (42 included), floats, undefined and other simple values,
 * indefinite lengths, integers and lengths in longer forms than needed or beyond 2^53, lengths far beyond
 * the input, duplicate and unsorted keys, non-text keys, invalid UTF-8, CID-shaped maps with a "/" key,
 * nesting thousands deep; plus mutations of real encodings, byte-wise and item-wise, so the layers behind
 * the decoder (schemas, signatures, versions) get inputs that almost pass.
 */

/** Width of a head's argument in bytes; 0 puts it in the head byte. Absent = the shortest form. */
type Width = 0 | 1 | 2 | 4 | 8;

type CborItem =
  | { readonly k: 'head'; readonly major: number; readonly arg: bigint; readonly width?: Width | undefined }
  | { readonly k: 'string'; readonly major: 2 | 3; readonly data: Uint8Array; readonly width?: Width | undefined; readonly indefinite?: boolean }
  | { readonly k: 'array'; readonly items: readonly CborItem[]; readonly indefinite?: boolean }
  | { readonly k: 'map'; readonly entries: readonly (readonly [CborItem, CborItem])[]; readonly indefinite?: boolean }
  | { readonly k: 'tag'; readonly tag: bigint; readonly item: CborItem }
  | { readonly k: 'raw'; readonly bytes: Uint8Array };

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function writeHead(out: number[], major: number, arg: bigint, width?: Width): void {
  const fits = (w: Width): boolean => (w === 0 ? arg < 24n : arg < 1n << BigInt(8 * w));
  const w = width !== undefined && fits(width) ? width : ([0, 1, 2, 4, 8] as const).find(fits) ?? 8;
  if (w === 0) {
    out.push((major << 5) | Number(arg));
    return;
  }
  out.push((major << 5) | (24 + Math.log2(w)));
  for (let i = w - 1; i >= 0; i--) out.push(Number((arg >> BigInt(8 * i)) & 0xffn));
}

function write(out: number[], item: CborItem): void {
  switch (item.k) {
    case 'head':
      return writeHead(out, item.major, item.arg, item.width);
    case 'string':
      if (item.indefinite) out.push((item.major << 5) | 31);
      writeHead(out, item.major, BigInt(item.data.length), item.width);
      out.push(...item.data);
      if (item.indefinite) out.push(0xff);
      return;
    case 'array':
      if (item.indefinite) out.push(0x9f);
      else writeHead(out, 4, BigInt(item.items.length));
      for (const x of item.items) write(out, x);
      if (item.indefinite) out.push(0xff);
      return;
    case 'map':
      if (item.indefinite) out.push(0xbf);
      else writeHead(out, 5, BigInt(item.entries.length));
      for (const [key, value] of item.entries) {
        write(out, key);
        write(out, value);
      }
      if (item.indefinite) out.push(0xff);
      return;
    case 'tag':
      writeHead(out, 6, item.tag);
      return write(out, item.item);
    case 'raw':
      out.push(...item.bytes);
  }
}

function encodeItem(item: CborItem): Uint8Array {
  const out: number[] = [];
  write(out, item);
  return Uint8Array.from(out);
}

const text = (s: string): CborItem => ({ k: 'string', major: 3, data: utf8(s) });
const keyBytes = (key: CborItem): Uint8Array => (key.k === 'string' ? key.data : encodeItem(key));

/** DAG-CBOR key order: shorter first, then bytewise. */
function compareKeys(a: CborItem, b: CborItem): number {
  const x = keyBytes(a);
  const y = keyBytes(b);
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The item our encoder writes for a decoded value: the starting point of item-wise mutations. */
function itemOf(value: unknown): CborItem {
  if (typeof value === 'number') return value >= 0 ? { k: 'head', major: 0, arg: BigInt(value) } : { k: 'head', major: 1, arg: BigInt(-1 - value) };
  if (typeof value === 'string') return text(value);
  if (value instanceof Uint8Array) return { k: 'string', major: 2, data: value };
  if (Array.isArray(value)) return { k: 'array', items: value.map(itemOf) };
  if (value === null || typeof value === 'boolean') return { k: 'head', major: 7, arg: value === null ? 22n : value ? 21n : 20n };
  const entries = Object.entries(value as object).map(([key, v]) => [text(key), itemOf(v)] as const);
  return { k: 'map', entries: entries.sort((a, b) => compareKeys(a[0], b[0])) };
}

/** Keys and strings that mean something to multiformats, to JavaScript objects or to our schemas. */
const SPECIAL_TEXT = ['/', 'bytes', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'asCID', '\uFEFF', '\uFEFFv', '', 'v', 't', 'a', 'f', 'facts', 'acks', 'keys', 'kind', 'body', 'sig', 'ns', 'device', 'time', 'authority.genesis', 'chat.message', 'rel.binding', 'tree.op', 'open', 'rec', 'more', 'last'];
/** Invalid UTF-8: an overlong "/", a surrogate, beyond U+10FFFF, a truncated sequence, a lone continuation. */
const BAD_UTF8 = [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]].map((b) => Uint8Array.from(b));

const widthArb = fc.constantFrom<Width | undefined>(undefined, undefined, undefined, undefined, 0, 1, 2, 4, 8);
const bigArg = fc.oneof(
  fc.bigInt({ min: 0n, max: 30n }),
  fc.bigInt({ min: 0n, max: 0x1_0000n }),
  fc.constantFrom(2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 2n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const textData = fc.oneof(
  fc.constantFrom(...SPECIAL_TEXT).map(utf8),
  fc.string({ unit: 'binary', maxLength: 10 }).map(utf8),
  fc.constantFrom(...BAD_UTF8),
  fc.uint8Array({ maxLength: 10 }),
);

const intItem: fc.Arbitrary<CborItem> = fc.record({ k: fc.constant('head' as const), major: fc.constantFrom(0, 1), arg: bigArg, width: widthArb });
const stringItem: fc.Arbitrary<CborItem> = fc.oneof(
  fc.record({ k: fc.constant('string' as const), major: fc.constant(3 as const), data: textData, width: widthArb, indefinite: fc.boolean() }),
  fc.record({ k: fc.constant('string' as const), major: fc.constant(2 as const), data: fc.uint8Array({ maxLength: 40 }), width: widthArb, indefinite: fc.boolean() }),
);
/** false, true, null, undefined, unassigned simple values (one-byte and two-byte forms), break. */
const simpleItem: fc.Arbitrary<CborItem> = fc.oneof(
  fc.constantFrom(20n, 21n, 22n, 23n).map((arg): CborItem => ({ k: 'head', major: 7, arg })),
  fc.integer({ min: 0, max: 255 }).map((v): CborItem => ({ k: 'raw', bytes: v < 24 ? Uint8Array.of(0xe0 | v) : Uint8Array.of(0xf8, v) })),
  fc.constant<CborItem>({ k: 'raw', bytes: Uint8Array.of(0xff) }),
);
/** Half, single and double floats: random bits, and NaN, infinity and 1.0 (which an integer decoder might take). */
const floatItem: fc.Arbitrary<CborItem> = fc.oneof(
  fc.constantFrom(2, 4, 8).chain((w) => fc.uint8Array({ minLength: w, maxLength: w }).map((bits) => ({ k: 'raw' as const, bytes: Uint8Array.of(0xf8 + Math.log2(w), ...bits) }))),
  fc.constantFrom('f97e00', 'f97c00', 'fb3ff0000000000000', 'fa3f800000').map((h): CborItem => ({ k: 'raw', bytes: Uint8Array.from(Buffer.from(h, 'hex')) })),
);
/** A head declaring far more than follows, or a reserved or indefinite form, with a few bytes behind it. */
const hugeLength: fc.Arbitrary<CborItem> = fc
  .record({ major: fc.integer({ min: 0, max: 7 }), info: fc.constantFrom(26, 27, 28, 29, 30, 31), arg: bigArg, tail: fc.uint8Array({ maxLength: 8 }) })
  .map(({ major, info, arg, tail }) => {
    const out = [(major << 5) | info];
    const width = info === 26 ? 4 : info === 27 ? 8 : 0;
    for (let i = width - 1; i >= 0; i--) out.push(Number((arg >> BigInt(8 * i)) & 0xffn));
    return { k: 'raw' as const, bytes: Uint8Array.from([...out, ...tail]) };
  });

const leaf: fc.Arbitrary<CborItem> = fc.oneof(intItem, stringItem, simpleItem, floatItem, hugeLength);

/** Maps that multiformats would take for a CID link: a "/" key, alone or beside an equal "bytes". */
const cidLike = (value: fc.Arbitrary<CborItem>): fc.Arbitrary<CborItem> =>
  fc.oneof(
    value.map((x): CborItem => ({ k: 'map', entries: [[text('/'), x], [text('bytes'), x]] })),
    value.map((x): CborItem => ({ k: 'map', entries: [[text('/'), x]] })),
    fc.uint8Array({ maxLength: 36 }).map((b): CborItem => ({ k: 'tag', tag: 42n, item: { k: 'string', major: 2, data: Uint8Array.of(0, ...b) } })),
  );

const cborItem: fc.Arbitrary<CborItem> = fc.letrec<{ item: CborItem; array: CborItem; map: CborItem; tag: CborItem; cid: CborItem }>((tie) => ({
  item: fc.oneof({ maxDepth: 5, depthIdentifier: 'cbor' }, leaf, tie('array'), tie('map'), tie('tag'), tie('cid')),
  array: fc.record({ k: fc.constant('array' as const), items: fc.array(tie('item'), { maxLength: 5, depthIdentifier: 'cbor' }), indefinite: fc.boolean() }),
  map: fc
    .record({
      entries: fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: stringItem }, { weight: 1, arbitrary: tie('item') }), tie('item')), { maxLength: 5, depthIdentifier: 'cbor' }),
      sorted: fc.boolean(),
      indefinite: fc.boolean(),
    })
    .map(({ entries, sorted, indefinite }): CborItem => ({ k: 'map', entries: sorted ? [...entries].sort((a, b) => compareKeys(a[0], b[0])) : entries, indefinite })),
  tag: fc.record({ k: fc.constant('tag' as const), tag: fc.oneof(fc.constant(42n), bigArg), item: tie('item') }),
  cid: cidLike(leaf),
})).item;

/** Values of the data model as our layers build them: safe integers, well-formed text, bytes, lists, maps. */
export const dataModelValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'value' },
    fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -2, max: 70_000 })),
    fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom(...SPECIAL_TEXT.filter((t) => t !== '/'))),
    fc.uint8Array({ maxLength: 70 }),
    fc.constantFrom(true, false, null),
    fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'value' }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom(...SPECIAL_TEXT)).filter((k) => k !== '/'), tie('value'), {
      maxKeys: 4,
      depthIdentifier: 'value',
    }),
  ),
})).value;

/** Nesting up to 10 000 deep, mostly near the limit, of arrays, maps, tags, indefinite arrays or "/" maps. */
const deepNesting: fc.Arbitrary<Uint8Array> = fc
  .record({ depth: fc.oneof(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 10_000 })), shape: fc.constantFrom('array', 'map', 'tag', 'indefinite', 'link') })
  .map(({ depth, shape }) => {
    const open = { array: [0x81], map: [0xa1, 0x61, 0x61], tag: [0xd8, 0x2a], indefinite: [0x9f], link: [0xa1, 0x61, 0x2f] }[shape];
    const out = new Uint8Array(depth * open.length + 1 + (shape === 'indefinite' ? depth : 0));
    for (let i = 0; i < depth; i++) out.set(open, i * open.length);
    out.fill(0xff, depth * open.length + 1);
    return out;
  });

/** Every item inside `item`, itself first (pre-order). */
function nodesOf(item: CborItem): CborItem[] {
  switch (item.k) {
    case 'array':
      return [item, ...item.items.flatMap(nodesOf)];
    case 'map':
      return [item, ...item.entries.flatMap(([key, value]) => [...nodesOf(key), ...nodesOf(value)])];
    case 'tag':
      return [item, ...nodesOf(item.item)];
    default:
      return [item];
  }
}

/** The item with one node (by identity) replaced. */
function replaceNode(item: CborItem, target: CborItem, by: CborItem): CborItem {
  if (item === target) return by;
  switch (item.k) {
    case 'array':
      return { ...item, items: item.items.map((x) => replaceNode(x, target, by)) };
    case 'map':
      return { ...item, entries: item.entries.map(([key, value]) => [replaceNode(key, target, by), replaceNode(value, target, by)] as const) };
    case 'tag':
      return { ...item, item: replaceNode(item.item, target, by) };
    default:
      return item;
  }
}

type Edit = { readonly op: 'xor' | 'insert' | 'delete' | 'truncate'; readonly at: number; readonly byte: number };

/** Each edit changes the bytes (a non-zero xor, a cut strictly inside), so no mutation is the seed itself. */
function applyEdits(seed: Uint8Array, edits: readonly Edit[]): Uint8Array {
  const b = [...seed];
  for (const e of edits) {
    if (e.op === 'insert') b.splice(e.at % (b.length + 1), 0, e.byte);
    else if (b.length === 0) continue;
    else if (e.op === 'xor') b[e.at % b.length]! ^= e.byte;
    else if (e.op === 'delete') b.splice(e.at % b.length, 1);
    else b.length = e.at % b.length;
  }
  return Uint8Array.from(b);
}

/** Byte-wise mutations of the seeds: 1 to 4 bytes changed, inserted or deleted, or the tail cut off. */
export function byteEdits(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({ op: fc.constantFrom('xor' as const, 'insert' as const, 'delete' as const, 'truncate' as const), at: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) });
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => applyEdits(seed, edits));
}

/**
 * Real encodings changed a little: bytes changed, inserted, deleted or cut off; a byte range replaced by a
 * hostile item; or one item anywhere inside (a key, a value, a whole sub-map) replaced by a hostile item, or
 * a map given an extra entry (a "/" key, a duplicate, a key out of order).
 */
function mutations(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const items = seeds.map((s) => itemOf(decodeCanonical(s)));
  const nodes = items.map(nodesOf);
  const maps = nodes.map((ns) => ns.filter((x) => x.k === 'map'));
  const seed = fc.nat({ max: seeds.length - 1 });
  const extraKey = fc.oneof(stringItem, fc.constantFrom(...SPECIAL_TEXT).map(text));
  return fc.oneof(
    byteEdits(seeds),
    fc.tuple(seed, fc.nat(), fc.nat({ max: 16 }), cborItem).map(([i, at, len, x]) => {
      const s = seeds[i]!;
      const from = at % (s.length + 1);
      return Uint8Array.from([...s.subarray(0, from), ...encodeItem(x), ...s.subarray(from + len)]);
    }),
    fc.tuple(seed, fc.nat(), fc.oneof(cborItem, leaf, cidLike(leaf), dataModelValue.map(itemOf), dataModelValue.map(itemOf))).map(([i, n, x]) => encodeItem(replaceNode(items[i]!, nodes[i]![n % nodes[i]!.length]!, x))),
    fc.tuple(seed, fc.nat(), fc.nat(), extraKey, fc.oneof(cborItem, dataModelValue.map(itemOf))).map(([i, n, at, key, value]) => {
      const target = maps[i]![n % maps[i]!.length];
      if (target === undefined || target.k !== 'map') return encodeItem({ k: 'map', entries: [[key, value]] });
      const entries = [...target.entries];
      entries.splice(at % (entries.length + 1), 0, [key, value]);
      return encodeItem(replaceNode(items[i]!, target, { ...target, entries }));
    }),
  );
}

/** Everything at once: hostile items, deep nesting, random bytes, and mutations of the given valid encodings. */
export function cborInputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: cborItem.map(encodeItem) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 5, arbitrary: mutations(seeds) },
  );
}
