import type { Chunk } from './chunk.ts';
import { LIMBS, addLimbs } from './limbs.ts';

/**
 * A Fenwick tree (1-based) over an ItemSet's chunks: item counts and key sums, so a prefix count or sum is
 * O(log chunks) nodes, and an insert into one chunk updates O(log chunks) nodes.
 */
export class ChunkTree {
  private readonly count: number[];
  private readonly sum: Uint32Array;

  constructor(chunks: readonly Chunk[]) {
    const n = chunks.length;
    this.count = new Array<number>(n + 1).fill(0);
    this.sum = new Uint32Array((n + 1) * LIMBS);
    for (let c = 0; c < n; c++) {
      const chunk = chunks[c]!;
      this.count[c + 1] = chunk.times.length;
      this.sum.set(chunk.sums.subarray(chunk.times.length * LIMBS), (c + 1) * LIMBS);
    }
    for (let i = 1; i <= n; i++) {
      const parent = i + (i & -i);
      if (parent > n) continue;
      this.count[parent]! += this.count[i]!;
      addLimbs(this.sum, parent * LIMBS, this.sum, i * LIMBS);
    }
  }

  /** One item with this key sum (`limbs` at offset 0) was added to chunk c. */
  added(c: number, limbs: Uint32Array): void {
    for (let i = c + 1; i < this.count.length; i += i & -i) {
      this.count[i]! += 1;
      addLimbs(this.sum, i * LIMBS, limbs, 0);
    }
  }

  /** Items in chunks [0, c). */
  countBefore(c: number): number {
    let n = 0;
    for (let i = c; i > 0; i -= i & -i) n += this.count[i]!;
    return n;
  }

  /** dst[d..d+2) += sum of the keys in chunks [0, c). */
  sumBefore(c: number, dst: Uint32Array, d: number): void {
    for (let i = c; i > 0; i -= i & -i) addLimbs(dst, d, this.sum, i * LIMBS);
  }

  /** Chunk and offset of position p (0 ≤ p < the item count), by descending the tree. */
  descend(p: number): [number, number] {
    const n = this.count.length - 1;
    let step = 1;
    while (step * 2 <= n) step *= 2;
    let node = 0;
    let rest = p;
    for (; step > 0; step >>>= 1) {
      const next = node + step;
      if (next <= n && this.count[next]! <= rest) {
        node = next;
        rest -= this.count[next]!;
      }
    }
    return [node, rest];
  }
}
