/**
 * The simulator's virtual clock: a discrete-event queue. Simulated code reads time only from `now` and waits
 * only through `after`; nothing here reads the wall clock, so a seed gives the same run every time.
 */
export class EventQueue {
  now = 0;
  private readonly heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  /** Events run so far (a measure of the work a scenario did). */
  events = 0;

  /** Runs `run` at virtual time now + ms (ms ≥ 0); ties run in the order they were scheduled. */
  after(ms: number, run: () => void): void {
    this.at(this.now + Math.max(0, ms), run);
  }

  at(time: number, run: () => void): void {
    this.push({ at: Math.max(time, this.now), seq: this.seq++, run });
  }

  get pending(): number {
    return this.heap.length;
  }

  /**
   * Runs events in time order up to `until` (inclusive). After each one the promise jobs it started settle
   * (a macrotask turn), so async protocol code advances exactly as far as the delivered frames let it.
   */
  async runUntil(until: number): Promise<void> {
    while (this.heap.length > 0 && this.heap[0]!.at <= until) {
      const e = this.pop();
      this.now = e.at;
      this.events++;
      e.run();
      await settle();
    }
    this.now = Math.max(this.now, until);
  }

  private push(e: { at: number; seq: number; run: () => void }): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): { at: number; seq: number; run: () => void } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: { at: number; seq: number }, b: { at: number; seq: number }) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Lets every promise job queued so far (and those they queue) run: one macrotask turn. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The benchmarks' deterministic PRNG (mulberry32) in [0, 1). */
export { prng } from '../bench/sync/scenario.ts';

/** Deterministic bytes from a PRNG (nonces, secrets): the simulated code never sees other randomness. */
export const randomBytes =
  (rnd: () => number) =>
  (n: number): Uint8Array =>
    Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));

/** An integer in [0, n). */
export const pick = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

/** A Fisher–Yates shuffle of a copy. */
export function shuffled<T>(rnd: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = pick(rnd, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
