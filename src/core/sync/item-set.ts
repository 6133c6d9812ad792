import type { Bound } from './bound.ts';
import { ID_BYTES, checkItem, compareItems, type SyncItem } from './item.ts';
import { IdIndex } from './id-index.ts';
import { KEY_BYTES, type Cell } from './key.ts';
import { LIMBS, addId, addLimbs, limbsToBytes, subLimbs } from './limbs.ts';

/**
 * A sorted run of items, packed: times, ids back to back (32 bytes each), and prefix sums of the keys
 * (sums[k·2..] is the sum of the first k). Packing keeps a 100k-item set near 60 bytes per item.
 */
interface Chunk {
  readonly times: number[];
  readonly ids: Uint8Array;
  readonly sums: Uint32Array;
}

const CHUNK_MAX = 256;
const CHUNK_FILL = 128;

/** A chunk whose prefix sums are copied from `known` up to item `from` and computed from there on. */
function chunkOf(times: number[], ids: Uint8Array, known?: Uint32Array, from = 0): Chunk {
  const sums = new Uint32Array((times.length + 1) * LIMBS);
  if (known) sums.set(known.subarray(0, (from + 1) * LIMBS));
  for (let k = from; k < times.length; k++) {
    sums.copyWithin((k + 1) * LIMBS, k * LIMBS, (k + 1) * LIMBS);
    addId(sums, (k + 1) * LIMBS, ids, k * ID_BYTES);
  }
  return { times, ids, sums };
}

/** Whether the k-th item of a chunk lies below the bound (time, then id against the zero-padded prefix). */
function belowAt(c: Chunk, k: number, b: Bound): boolean {
  const t = c.times[k]!;
  if (t !== b.time) return t < b.time;
  const o = k * ID_BYTES;
  for (let x = 0; x < b.prefix.length; x++) {
    const d = c.ids[o + x]! - b.prefix[x]!;
    if (d !== 0) return d < 0;
  }
  return false;
}

function startsWith(id: Uint8Array, key: Uint8Array): boolean {
  for (let x = 0; x < key.length; x++) if (id[x] !== key[x]) return false;
  return true;
}

function sameId(ids: Uint8Array, k: number, id: Uint8Array): boolean {
  for (let x = 0; x < ID_BYTES; x++) if (ids[k * ID_BYTES + x] !== id[x]) return false;
  return true;
}

/** Whether the sorted list holds exactly (time, id). */
function keptHolds(kept: readonly SyncItem[], time: number, id: Uint8Array): boolean {
  const item = { time, id };
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareItems(kept[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < kept.length && compareItems(kept[lo]!, item) === 0;
}

function itemAt(c: Chunk, k: number): SyncItem {
  return { time: c.times[k]!, id: c.ids.subarray(k * ID_BYTES, (k + 1) * ID_BYTES) };
}

/**
 * The items of one journal, sorted by (time, id), answering what reconciliation asks in O(log n): how many
 * items lie below a bound, the item at a position, and the cell (count and key sum) of any position range.
 *
 * Items sit in chunks of at most 256 (an insert costs O(chunk), not O(n)); a Fenwick tree over the chunks
 * holds their counts and key sums, so a prefix sum is O(log chunks) tree nodes plus one chunk-local entry.
 * An id is stored once: inserting a known id is a no-op, whatever time comes with it.
 */
export class ItemSet {
  private chunks: Chunk[] = [];
  /** id → time, for membership and for placing an id named by the other side. */
  private readonly index = new IdIndex();
  /** Fenwick tree (1-based) over chunks: item counts and id sums. */
  private fenCount: number[] = [0];
  private fenSum = new Uint32Array(LIMBS);

  static from(items: Iterable<SyncItem>): ItemSet {
    const set = new ItemSet();
    const sorted = [...items];
    sorted.forEach(checkItem);
    sorted.sort(compareItems);
    const kept: SyncItem[] = [];
    for (const item of sorted) {
      // An id already kept came with an earlier (or the same) time: it sits in `kept` at that time.
      if (set.index.find(item.id, (time) => keptHolds(kept, time, item.id)) !== undefined) continue;
      set.index.add(item.id, item.time);
      kept.push(item);
    }
    for (let i = 0; i < kept.length; i += CHUNK_FILL) {
      const run = kept.slice(i, i + CHUNK_FILL);
      const ids = new Uint8Array(run.length * ID_BYTES);
      run.forEach((item, k) => ids.set(item.id, k * ID_BYTES));
      set.chunks.push(chunkOf(run.map((item) => item.time), ids));
    }
    set.rebuildTree();
    return set;
  }

  get size(): number {
    return this.index.size;
  }

  has(id: Uint8Array): boolean {
    return this.timeOf(id) !== undefined;
  }

  /** The time stored with an id, if present. */
  timeOf(id: Uint8Array): number | undefined {
    return this.index.find(id, (time) => this.holds(time, id));
  }

  /** Adds an item as a fact arrives; false when its id is already present. */
  insert(item: SyncItem): boolean {
    checkItem(item);
    if (this.has(item.id)) return false;
    this.index.add(item.id, item.time);
    // The item's own bound: everything below it sorts before it.
    const at: Bound = { time: item.time, prefix: item.id };
    const c = Math.max(0, this.lastChunkStartingBelow(at));
    const old = this.chunks[c];
    if (old === undefined) {
      this.chunks.push(chunkOf([item.time], item.id.slice()));
      this.rebuildTree();
      return true;
    }
    const k = this.rankIn(old, at);
    const times = old.times.slice();
    times.splice(k, 0, item.time);
    const ids = new Uint8Array(times.length * ID_BYTES);
    ids.set(old.ids.subarray(0, k * ID_BYTES), 0);
    ids.set(item.id, k * ID_BYTES);
    ids.set(old.ids.subarray(k * ID_BYTES), (k + 1) * ID_BYTES);
    if (times.length > CHUNK_MAX) {
      const half = times.length >>> 1;
      const left = chunkOf(times.slice(0, half), ids.slice(0, half * ID_BYTES));
      this.chunks.splice(c, 1, left, chunkOf(times.slice(half), ids.slice(half * ID_BYTES)));
      this.rebuildTree();
      return true;
    }
    this.chunks[c] = chunkOf(times, ids, old.sums, k);
    const limbs = new Uint32Array(LIMBS);
    addId(limbs, 0, item.id);
    for (let i = c + 1; i < this.fenCount.length; i += i & -i) {
      this.fenCount[i]! += 1;
      addLimbs(this.fenSum, i * LIMBS, limbs, 0);
    }
    return true;
  }

  /** How many items lie below the bound: the position where a range starting at it begins. */
  rank(b: Bound): number {
    const c = this.lastChunkStartingBelow(b);
    return c < 0 ? 0 : this.countBefore(c) + this.rankIn(this.chunks[c]!, b);
  }

  at(p: number): SyncItem {
    const [c, o] = this.locate(p);
    return itemAt(this.chunks[c]!, o);
  }

  /** Items at positions [i, j), in order (ids are views into the set's storage). */
  slice(i: number, j: number): SyncItem[] {
    const out: SyncItem[] = [];
    if (i >= j) return out;
    let [c, o] = this.locate(i);
    while (out.length < j - i) {
      const chunk = this.chunks[c]!;
      const take = Math.min(chunk.times.length - o, j - i - out.length);
      for (let k = 0; k < take; k++) out.push(itemAt(chunk, o + k));
      c++;
      o = 0;
    }
    return out;
  }

  /** The ids at positions [i, j) whose key is `key`: a scan of the packed ids, allocating only for matches. */
  idsWithKeyIn(i: number, j: number, key: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (i >= j) return out;
    let [c, o] = this.locate(i);
    for (let p = i; p < j; p++, o++) {
      let chunk = this.chunks[c]!;
      if (o === chunk.times.length) {
        chunk = this.chunks[++c]!;
        o = 0;
      }
      if (startsWith(chunk.ids.subarray(o * ID_BYTES, o * ID_BYTES + key.length), key)) out.push(chunk.ids.slice(o * ID_BYTES, (o + 1) * ID_BYTES));
    }
    return out;
  }

  /** Every id whose key is `key`, wherever it sits: what a peer asks for when it fetches by key. */
  idsWithKey(key: Uint8Array): Uint8Array[] {
    if (key.length !== KEY_BYTES) return [];
    const out: Uint8Array[] = [];
    for (const time of this.index.timesWithKey(key)) {
      for (let p = this.rank({ time, prefix: key }); p < this.size; p++) {
        const item = this.at(p);
        if (item.time !== time || !startsWith(item.id, key)) break;
        out.push(item.id.slice());
      }
    }
    return out;
  }

  /** Count and key sum of the items at positions [i, j). */
  cell(i: number, j: number): Cell {
    const s = new Uint32Array(2 * LIMBS);
    this.sumBefore(j, s, 0);
    this.sumBefore(i, s, LIMBS);
    subLimbs(s, 0, s, LIMBS);
    return { count: j - i, sum: limbsToBytes(s, 0) };
  }

  /** Whether (time, id) is an item of the set. */
  private holds(time: number, id: Uint8Array): boolean {
    // A 32-byte prefix makes the bound the item itself: present, it is the first item not below it.
    const b = { time, prefix: id };
    const c = this.lastChunkStartingBelow(b);
    let chunk = this.chunks[Math.max(c, 0)];
    let k = c < 0 || chunk === undefined ? 0 : this.rankIn(chunk, b);
    if (chunk !== undefined && k === chunk.times.length) {
      chunk = this.chunks[c + 1];
      k = 0;
    }
    return chunk !== undefined && chunk.times[k] === time && sameId(chunk.ids, k, id);
  }

  /** Index of the last chunk whose first item lies below the bound, or −1. */
  private lastChunkStartingBelow(b: Bound): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (belowAt(this.chunks[mid]!, 0, b)) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private rankIn(c: Chunk, b: Bound): number {
    let lo = 0;
    let hi = c.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (belowAt(c, mid, b)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rebuildTree(): void {
    const n = this.chunks.length;
    this.fenCount = new Array<number>(n + 1).fill(0);
    this.fenSum = new Uint32Array((n + 1) * LIMBS);
    for (let c = 0; c < n; c++) {
      const chunk = this.chunks[c]!;
      this.fenCount[c + 1] = chunk.times.length;
      this.fenSum.set(chunk.sums.subarray(chunk.times.length * LIMBS), (c + 1) * LIMBS);
    }
    for (let i = 1; i <= n; i++) {
      const parent = i + (i & -i);
      if (parent > n) continue;
      this.fenCount[parent]! += this.fenCount[i]!;
      addLimbs(this.fenSum, parent * LIMBS, this.fenSum, i * LIMBS);
    }
  }

  private countBefore(c: number): number {
    let n = 0;
    for (let i = c; i > 0; i -= i & -i) n += this.fenCount[i]!;
    return n;
  }

  /** Chunk and offset of position p (0 ≤ p < size), by descending the Fenwick tree. */
  private locate(p: number): [number, number] {
    if (!Number.isInteger(p) || p < 0 || p >= this.size) throw new RangeError(`position ${p} outside [0, ${this.size})`);
    const n = this.chunks.length;
    let step = 1;
    while (step * 2 <= n) step *= 2;
    let node = 0;
    let rest = p;
    for (; step > 0; step >>>= 1) {
      const next = node + step;
      if (next <= n && this.fenCount[next]! <= rest) {
        node = next;
        rest -= this.fenCount[next]!;
      }
    }
    return [node, rest];
  }

  /** dst[d..d+2) = sum of the keys at positions [0, p). */
  private sumBefore(p: number, dst: Uint32Array, d: number): void {
    dst.fill(0, d, d + LIMBS);
    if (p === 0) return;
    const [c, o] = p === this.size ? [this.chunks.length, 0] : this.locate(p);
    for (let i = c; i > 0; i -= i & -i) addLimbs(dst, d, this.fenSum, i * LIMBS);
    if (o > 0) addLimbs(dst, d, this.chunks[c]!.sums, o * LIMBS);
  }
}
