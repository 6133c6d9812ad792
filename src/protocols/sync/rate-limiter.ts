/**
 * Sessions a peer may start with us (as responder, keyed by peer and context once `open` names it) and we may
 * start (as initiator): a minimum interval per key and a global budget per second, so a flooding peer is
 * refused, told how long to wait, and counted, while a peer sharing several contexts with us is not.
 */
export class RateLimiter {
  private readonly last = new Map<string, number>();
  private windowStart = 0;
  private inWindow = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly globalPerSecond: number,
  ) {}

  /** 0 when a session under `key` may start now (it is counted), else the ms until one may. */
  admit(key: string, now: number): number {
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.inWindow = 0;
      // Keys past their interval decide nothing: dropping them keeps the map as small as the recent keys.
      for (const [k, t] of this.last) if (now - t >= this.intervalMs) this.last.delete(k);
    }
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return last + this.intervalMs - now;
    if (this.inWindow >= this.globalPerSecond) return this.windowStart + 1_000 - now;
    this.last.set(key, now);
    this.inWindow++;
    return 0;
  }
}
