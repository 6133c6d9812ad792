import { boundBetween, type Bound } from './bound.ts';
import { CHUNK_FILL, CHUNK_MAX, belowAt, chunkOf, itemAt, keptHolds, rankIn, sameId, startsWith, type Chunk } from './chunk.ts';
import { ID_BYTES, checkItem, compareItems, type SyncItem } from './item.ts';
import { IdIndex } from './id-index.ts';
import { KEY_BYTES, type Cell } from './key.ts';
import { ChunkTree } from './chunk-tree.ts';
import { LIMBS, addId, addLimbs, limbsToBytes, subLimbs } from './limbs.ts';


/**
 * The items of one journal, sorted by (time, id), answering what reconciliation asks in O(log n): how many
 * items lie below a bound, the item at a position, and the cell (count and key sum) of any position range.
 *
 * Items sit in chunks of at most 256 (an insert costs O(chunk), not O(n)); a Fenwick tree over the chunks (`ChunkTree`)
 * holds their counts and key sums, so a prefix sum is O(log chunks) tree nodes plus one chunk-local entry.
 * An id is stored once: inserting a known id is a no-op, whatever time comes with it.
 */
export class ItemSet {
  private chunks: Chunk[] = [];
  /** id → time, for membership and for placing an id named by the other side. */
  private readonly index = new IdIndex();
  private tree = new ChunkTree([]);
  /**
   * Unit steps taken so far (a position located or ranked, an item copied out, a chunk walked): the work
   * callers made the set do, which tests bound per sync message.
   */
  steps = 0;

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
    const k = rankIn(old, at);
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
    this.tree.added(c, limbs);
    return true;
  }

  /** How many items lie below the bound: the position where a range starting at it begins. */
  rank(b: Bound): number {
    this.steps++;
    const c = this.lastChunkStartingBelow(b);
    return c < 0 ? 0 : this.tree.countBefore(c) + rankIn(this.chunks[c]!, b);
  }

  at(p: number): SyncItem {
    const [c, o] = this.locate(p);
    return itemAt(this.chunks[c]!, o);
  }

  /** The shortest bound between the items at p − 1 and p (0 < p < size): where a split cuts. */
  boundBefore(p: number): Bound {
    const [c, o] = this.locate(p);
    const prev = o > 0 ? itemAt(this.chunks[c]!, o - 1) : itemAt(this.chunks[c - 1]!, this.chunks[c - 1]!.times.length - 1);
    return boundBetween(prev, itemAt(this.chunks[c]!, o));
  }

  /** Items at positions [i, j), in order (ids are views into the set's storage). */
  slice(i: number, j: number): SyncItem[] {
    const out: SyncItem[] = [];
    if (i >= j) return out;
    this.steps += j - i;
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

  /** The ids at positions [i, j), packed back to back (a copy). */
  idBytes(i: number, j: number): Uint8Array {
    return this.packIds(i, j, ID_BYTES);
  }

  /** The keys (first KEY_BYTES of each id) of the items at positions [i, j), packed, in position order. */
  keyBytes(i: number, j: number): Uint8Array {
    return this.packIds(i, j, KEY_BYTES);
  }

  /**
   * The ids at positions [i, j) whose key is `key`, found through the id index (a few probes and ranks), so
   * a lookup in a range of the whole set costs no more than in a small one.
   */
  idsWithKeyIn(i: number, j: number, key: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (key.length !== KEY_BYTES) return out;
    for (const time of this.index.timesWithKey(key)) {
      // Ids sharing the key at one time sit together, from the bound (time, key) on.
      for (let p = this.rank({ time, prefix: key }); p < Math.min(j, this.size); p++) {
        const item = this.at(p);
        if (item.time !== time || !startsWith(item.id, key)) break;
        if (p >= i) out.push(item.id.slice());
      }
    }
    return out;
  }

  /** Every id whose key is `key`, wherever it sits: what a peer asks for when it fetches by key. */
  idsWithKey(key: Uint8Array): Uint8Array[] {
    return this.idsWithKeyIn(0, this.size, key);
  }

  /** Count and key sum of the items at positions [i, j). */
  cell(i: number, j: number): Cell {
    const s = new Uint32Array(2 * LIMBS);
    this.sumBefore(j, s, 0);
    this.sumBefore(i, s, LIMBS);
    subLimbs(s, 0, s, LIMBS);
    return { count: j - i, sum: limbsToBytes(s, 0) };
  }

  /**
   * The cells of the runs [cuts[k], cuts[k + 1]) between ascending positions, in one walk over the chunks:
   * a split into many cells costs a step per cell and per chunk, not two tree descents per cell.
   */
  cells(cuts: readonly number[]): Cell[] {
    if (cuts.length === 0) return [];
    const prefix = new Uint32Array(cuts.length * LIMBS);
    const before = new Uint32Array(LIMBS);
    let [c] = cuts[0]! === this.size ? [this.chunks.length] : this.locate(cuts[0]!);
    let base = this.tree.countBefore(c);
    this.tree.sumBefore(c, before, 0);
    this.steps += cuts.length;
    // A plain loop with the limbs copied by hand: a peer can ask for thousands of cells per message.
    for (let k = 0; k < cuts.length; k++) {
      const p = cuts[k]!;
      for (let chunk = this.chunks[c]; chunk !== undefined && base + chunk.times.length <= p; chunk = this.chunks[++c]) {
        addLimbs(before, 0, chunk.sums, chunk.times.length * LIMBS);
        base += chunk.times.length;
        this.steps++;
      }
      for (let l = 0; l < LIMBS; l++) prefix[k * LIMBS + l] = before[l]!;
      if (p > base) addLimbs(prefix, k * LIMBS, this.chunks[c]!.sums, (p - base) * LIMBS);
    }
    for (let k = cuts.length - 1; k > 0; k--) subLimbs(prefix, k * LIMBS, prefix, (k - 1) * LIMBS);
    return cuts.slice(1).map((p, k) => ({ count: p - cuts[k]!, sum: limbsToBytes(prefix, (k + 1) * LIMBS) }));
  }

  /** Whether (time, id) is an item of the set. */
  /** The first `width` bytes of each id at positions [i, j), packed: whole ids chunk by chunk, keys byte by byte. */
  private packIds(i: number, j: number, width: number): Uint8Array {
    const n = Math.max(0, j - i);
    const out = new Uint8Array(n * width);
    if (n === 0) return out;
    this.steps += n;
    let [c, o] = this.locate(i);
    for (let at = 0; at < n; c++, o = 0) {
      const ids = this.chunks[c]!.ids;
      const take = Math.min(ids.length / ID_BYTES - o, n - at);
      if (width === ID_BYTES) out.set(ids.subarray(o * ID_BYTES, (o + take) * ID_BYTES), at * ID_BYTES);
      // A view per item would cost an allocation per item.
      else for (let k = 0; k < take; k++) for (let b = 0; b < width; b++) out[(at + k) * width + b] = ids[(o + k) * ID_BYTES + b]!;
      at += take;
    }
    return out;
  }

  private holds(time: number, id: Uint8Array): boolean {
    // A 32-byte prefix makes the bound the item itself: present, it is the first item not below it.
    const b = { time, prefix: id };
    const c = this.lastChunkStartingBelow(b);
    let chunk = this.chunks[Math.max(c, 0)];
    let k = c < 0 || chunk === undefined ? 0 : rankIn(chunk, b);
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

  private rebuildTree(): void {
    this.tree = new ChunkTree(this.chunks);
  }

  /** Chunk and offset of position p (0 ≤ p < size), by descending the Fenwick tree. */
  private locate(p: number): [number, number] {
    if (!Number.isInteger(p) || p < 0 || p >= this.size) throw new RangeError(`position ${p} outside [0, ${this.size})`);
    this.steps++;
    return this.tree.descend(p);
  }

  /** dst[d..d+2) = sum of the keys at positions [0, p). */
  private sumBefore(p: number, dst: Uint32Array, d: number): void {
    dst.fill(0, d, d + LIMBS);
    if (p === 0) return;
    const [c, o] = p === this.size ? [this.chunks.length, 0] : this.locate(p);
    this.tree.sumBefore(c, dst, d);
    if (o > 0) addLimbs(dst, d, this.chunks[c]!.sums, o * LIMBS);
  }
}
