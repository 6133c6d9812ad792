/**
 * Key sums: 64-bit unsigned integers as 2 little-endian 32-bit limbs inside Uint32Arrays, addressed by offset
 * so whole prefix-sum tables live in one array. Arithmetic wraps mod 2^64, the group cells sum keys in.
 */
export const LIMBS = 2;
const BASE = 0x1_0000_0000;

/** dst[d..d+2) += the key (first 8 bytes) at id[at..at+8), read as a little-endian 64-bit integer. */
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

/** dst[d..d+2) += src[s..s+2). */
export function addLimbs(dst: Uint32Array, d: number, src: Uint32Array, s: number): void {
  let carry = 0;
  for (let j = 0; j < LIMBS; j++) {
    const v = dst[d + j]! + src[s + j]! + carry;
    carry = v >= BASE ? 1 : 0;
    dst[d + j] = v;
  }
}

/** dst[d..d+2) −= src[s..s+2). */
export function subLimbs(dst: Uint32Array, d: number, src: Uint32Array, s: number): void {
  let borrow = 0;
  for (let j = 0; j < LIMBS; j++) {
    const v = dst[d + j]! - src[s + j]! - borrow;
    borrow = v < 0 ? 1 : 0;
    dst[d + j] = v;
  }
}

/** The 8 little-endian bytes of the integer at src[s..s+2). */
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
