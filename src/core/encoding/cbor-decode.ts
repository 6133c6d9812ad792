import { AuraError } from '../errors.ts';

/**
 * The only CBOR we read: the canonical DAG-CBOR subset our encoder writes. Safe integers in their shortest
 * form, byte strings, UTF-8 text, definite-length arrays and maps, false/true/null; map keys are text,
 * unique, in DAG-CBOR order (shorter first, then bytewise) and never "/" (IPLD's link key, which makes
 * multiformats take a map for a CID). No tags (our ids are strings, never tag-42 CIDs), no floats, no
 * undefined, no indefinite lengths. Checked and built in one pass: every declared length is checked against
 * the bytes left before anything is read or allocated, nesting is bounded, and the work is linear in the
 * input — counted in a meter, so tests can prove it without a clock. Since only the canonical form passes,
 * nothing needs re-encoding to compare.
 */

/** Deepest nesting of arrays and maps we read. Our deepest structure (a fact's tree op or rule) is 3. */
export const MAX_CBOR_DEPTH = 16;

export type DecodeErrorCode = 'Malformed' | 'NonCanonical';

export class DecodeError extends AuraError<DecodeErrorCode> {
  override readonly name = 'DecodeError';
}

/** Work units spent by a decode: one per item head, one per byte copied, decoded or compared. */
export interface WorkMeter {
  steps: number;
}

const MAJOR_UINT = 0;
const MAJOR_NEGINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const SIMPLE_FALSE = 20;
const SIMPLE_TRUE = 21;
const SIMPLE_NULL = 22;
/** Smallest value each argument width (1, 2, 4, 8 bytes) may carry; below it a shorter form exists. */
const SHORTEST = [24, 0x100, 0x10000, 0x100000000];
/** An 8-byte argument whose high word exceeds this is beyond Number.MAX_SAFE_INTEGER. */
const MAX_SAFE_HIGH_WORD = 0x1fffff;
const SLASH = 0x2f;

/** `ignoreBOM`: a leading U+FEFF is text like any other; the default decoder would silently drop it. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(message: string): never {
  throw new DecodeError('Malformed', message);
}

class Reader {
  private pos = 0;
  /** Major type and argument of the last head read; for major 7, the simple value or float width. */
  private major = 0;
  private arg = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly meter: WorkMeter,
  ) {}

  get done(): boolean {
    return this.pos === this.bytes.length;
  }

  item(depth: number): unknown {
    this.head();
    const n = this.arg;
    switch (this.major) {
      case MAJOR_UINT:
        return n;
      case MAJOR_NEGINT:
        if (n === Number.MAX_SAFE_INTEGER) malformed('negative integer beyond the safe range');
        return -1 - n;
      case MAJOR_BYTES:
        // A copy, and a plain Uint8Array even when the input is a Node Buffer (whose slice is a view).
        return new Uint8Array(this.take(n));
      case MAJOR_TEXT:
        return this.text(n);
      case MAJOR_ARRAY:
        return this.array(n, depth + 1);
      case MAJOR_MAP:
        return this.map(n, depth + 1);
      case MAJOR_TAG:
        return malformed('tags are not used');
      default:
        if (n === SIMPLE_FALSE) return false;
        if (n === SIMPLE_TRUE) return true;
        if (n === SIMPLE_NULL) return null;
        return malformed(n >= 25 && n <= 27 ? 'floats are not used' : `simple value ${n} is not used`);
    }
  }

  /** Reads a head; for every major type but 7 the argument is a safe integer in its shortest form. */
  private head(): void {
    this.meter.steps++;
    if (this.done) malformed('truncated');
    const b = this.bytes[this.pos++]!;
    this.major = b >> 5;
    const info = b & 0x1f;
    this.arg = info;
    if (this.major === 7 || info < 24) return;
    if (info > 27) malformed(info === 31 ? 'indefinite lengths are not used' : `reserved additional information ${info}`);
    const width = 1 << (info - 24);
    if (width > this.bytes.length - this.pos) malformed('truncated');
    const bytes = this.bytes;
    const p = this.pos;
    let value: number;
    if (width === 8) {
      const high = bytes[p]! * 0x1000000 + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!);
      if (high > MAX_SAFE_HIGH_WORD) malformed('integer or length beyond 2^53');
      value = high * 0x100000000 + (bytes[p + 4]! * 0x1000000 + ((bytes[p + 5]! << 16) | (bytes[p + 6]! << 8) | bytes[p + 7]!));
    } else {
      value = 0;
      for (let i = 0; i < width; i++) value = value * 0x100 + bytes[p + i]!;
    }
    if (value < SHORTEST[info - 24]!) throw new DecodeError('NonCanonical', 'integer or length not in its shortest form');
    this.pos += width;
    this.arg = value;
  }

  /** The next n bytes, checked against what is left before anything is read. */
  private take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) malformed('length beyond the end of the input');
    this.meter.steps += n;
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private text(n: number): string {
    const raw = this.take(n);
    this.meter.steps += n;
    try {
      return utf8.decode(raw);
    } catch {
      return malformed('text is not UTF-8');
    }
  }

  private array(n: number, depth: number): unknown[] {
    if (depth > MAX_CBOR_DEPTH) malformed(`nested deeper than ${MAX_CBOR_DEPTH}`);
    // Every item takes at least one byte: a longer declared count cannot be honest.
    if (n > this.bytes.length - this.pos) malformed('array longer than the input');
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(this.item(depth));
    return out;
  }

  private map(n: number, depth: number): Record<string, unknown> {
    if (depth > MAX_CBOR_DEPTH) malformed(`nested deeper than ${MAX_CBOR_DEPTH}`);
    if (2 * n > this.bytes.length - this.pos) malformed('map longer than the input');
    const out: Record<string, unknown> = {};
    let previous: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      this.head();
      if (this.major !== MAJOR_TEXT) malformed('map key is not text');
      const start = this.pos;
      const key = this.text(this.arg);
      const raw = this.bytes.subarray(start, this.pos);
      if (raw.length === 1 && raw[0] === SLASH) malformed('map key "/" is reserved for links');
      if (previous !== null) this.order(previous, raw);
      previous = raw;
      const value = this.item(depth);
      // A plain assignment to "__proto__" would set the prototype instead of adding the entry.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  /** DAG-CBOR key order: shorter keys first, then bytewise; equal keys are a duplicate. */
  private order(previous: Uint8Array, key: Uint8Array): void {
    if (key.length < previous.length) throw new DecodeError('NonCanonical', 'map keys out of canonical order');
    if (key.length > previous.length) return;
    for (let i = 0; i < key.length; i++) {
      this.meter.steps++;
      if (key[i] !== previous[i]) {
        if (key[i]! < previous[i]!) throw new DecodeError('NonCanonical', 'map keys out of canonical order');
        return;
      }
    }
    malformed('duplicate map key');
  }
}

/**
 * Decodes bytes that must be exactly one item in canonical form; anything else is a DecodeError, never
 * another exception. `meter`, if given, receives the work done, even when the bytes are refused.
 */
export function decodeStrict(bytes: Uint8Array, meter: WorkMeter = { steps: 0 }): unknown {
  const r = new Reader(bytes, meter);
  const value = r.item(0);
  if (!r.done) malformed('bytes after the item');
  return value;
}
