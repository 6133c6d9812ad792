/**
 * A small deterministic PRNG (mulberry32) of floats in [0, 1): the same seed gives the same sequence on every
 * run (the lab's losses, benchmark scenarios). Not for keys or nonces.
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
