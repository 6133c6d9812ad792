/**
 * 256-bit unsigned integers as 8 little-endian 32-bit limbs inside Uint32Arrays, addressed by offset so whole
 * prefix-sum tables live in one array. Arithmetic wraps mod 2^256, the group the fingerprint sums live in.
 */
export const LIMBS = 8;
const BASE = 0x1_0000_0000;

/** The 32 little-endian bytes read as limbs. */
export function limbsFromBytes(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(LIMBS);
  addId(out, 0, bytes);
  return out;
}

/** dst[d..d+8) += the 32 bytes at id[at..at+32) read as a little-endian 256-bit integer. */
export function addId(dst: Uint32Array, d: number, id: Uint8Array, at = 0): void {
  let carry = 0;
  for (let j = 0; j < LIMBS; j++) {
    const o = at + 4 * j;
    const limb = (id[o]! | (id[o + 1]! << 8) | (id[o + 2]! << 16) | (id[o + 3]! << 24)) >>> 0;
    const v = dst[d + j]! + limb + carry;
    carry = v >= BASE ? 1 : 0;
    dst[d + j] = v;
  }
}

/** dst[d..d+8) += src[s..s+8). */
export function addLimbs(dst: Uint32Array, d: number, src: Uint32Array, s: number): void {
  let carry = 0;
  for (let j = 0; j < LIMBS; j++) {
    const v = dst[d + j]! + src[s + j]! + carry;
    carry = v >= BASE ? 1 : 0;
    dst[d + j] = v;
  }
}

/** dst[d..d+8) −= src[s..s+8). */
export function subLimbs(dst: Uint32Array, d: number, src: Uint32Array, s: number): void {
  let borrow = 0;
  for (let j = 0; j < LIMBS; j++) {
    const v = dst[d + j]! - src[s + j]! - borrow;
    borrow = v < 0 ? 1 : 0;
    dst[d + j] = v;
  }
}

/** The 32 little-endian bytes of the integer at src[s..s+8). */
export function limbsToBytes(src: Uint32Array, s: number): Uint8Array {
  const out = new Uint8Array(4 * LIMBS);
  for (let j = 0; j < LIMBS; j++) {
    const v = src[s + j]!;
    out[4 * j] = v & 0xff;
    out[4 * j + 1] = (v >>> 8) & 0xff;
    out[4 * j + 2] = (v >>> 16) & 0xff;
    out[4 * j + 3] = v >>> 24;
  }
  return out;
}
