/**
 * Id → time for membership, in typed arrays (about 20 bytes an item, where a Map of string keys costs ~100).
 * Open addressing keyed by the id's first 4 bytes; since several ids may share those, a lookup hands each
 * candidate time to `confirm`, which checks the full id against the sorted items.
 */
export class IdIndex {
  /** Entry number + 1 per slot; 0 = empty. Never more than half full. */
  private slots = new Int32Array(16);
  private keys = new Int32Array(8);
  private times = new Float64Array(8);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The time of the id, if some entry under its key is confirmed to be it. */
  find(id: Uint8Array, confirm: (time: number) => boolean): number | undefined {
    const key = keyOf(id);
    const mask = this.slots.length - 1;
    for (let s = key & mask; this.slots[s] !== 0; s = (s + 1) & mask) {
      const e = this.slots[s]! - 1;
      if (this.keys[e] === key && confirm(this.times[e]!)) return this.times[e];
    }
    return undefined;
  }

  /** The times of every entry whose id shares the first 4 bytes of `key`, each once. */
  timesWithKey(key: Uint8Array): number[] {
    const k = keyOf(key);
    const mask = this.slots.length - 1;
    const out = new Set<number>();
    for (let s = k & mask; this.slots[s] !== 0; s = (s + 1) & mask) {
      const e = this.slots[s]! - 1;
      if (this.keys[e] === k) out.add(this.times[e]!);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Records an id known to be absent. */
  add(id: Uint8Array, time: number): void {
    if (this.count === this.keys.length) this.grow();
    this.keys[this.count] = keyOf(id);
    this.times[this.count] = time;
    this.count++;
    this.place(this.count - 1);
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.keys[e]! & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }

  private grow(): void {
    const keys = new Int32Array(this.keys.length * 2);
    keys.set(this.keys);
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.keys = keys;
    this.times = times;
    this.slots = new Int32Array(keys.length * 2);
    for (let e = 0; e < this.count; e++) this.place(e);
  }
}

function keyOf(id: Uint8Array): number {
  return id[0]! | (id[1]! << 8) | (id[2]! << 16) | (id[3]! << 24);
}
