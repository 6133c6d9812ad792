import { SyncProtocolError } from './errors.ts';

/**
 * Unsigned LEB128 over safe integers. Decoding refuses every non-minimal form (a trailing 0x00 group), so one
 * value has exactly one encoding and a message has exactly one byte string.
 */
const MAX_VARINT_BYTES = 8; // 8 × 7 = 56 bits ≥ 53

export function writeVarint(out: number[], n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
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
