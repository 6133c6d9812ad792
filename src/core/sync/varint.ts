import { SyncProtocolError } from './errors.ts';

/**
 * Unsigned LEB128 over safe integers. Decoding refuses every non-minimal form (a trailing 0x00 group), so one
 * value has exactly one encoding and a message has exactly one byte string.
 */
const MAX_VARINT_BYTES = 8; // 8 × 7 = 56 bits ≥ 53

/** Bytes appended to a growable buffer, written in place; cutting `length` back undoes the last writes. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buf.length, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
}

/** A cursor over untrusted bytes; every read either succeeds inside the buffer or throws Malformed. */
export class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new SyncProtocolError('Malformed', 'truncated message');
    return this.bytes[this.pos++]!;
  }

  take(n: number): Uint8Array {
    if (n > this.remaining) throw new SyncProtocolError('Malformed', 'truncated message');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) throw new SyncProtocolError('Malformed', 'non-minimal varint');
        if (!Number.isSafeInteger(value)) throw new SyncProtocolError('Malformed', 'varint exceeds 2^53');
        return value;
      }
      scale *= 0x80;
    }
    throw new SyncProtocolError('Malformed', 'varint too long');
  }
}
