import type { DeviceId } from '../../core/ids.ts';

/**
 * Sessions a peer may start with us (as responder) and we may start (as initiator): a per-peer minimum
 * interval and a global budget per second, so a flooding peer is refused (and counted), not served.
 */
export class RateLimiter {
  private readonly last = new Map<DeviceId, number>();
  private windowStart = 0;
  private inWindow = 0;

  constructor(
    private readonly perPeerIntervalMs: number,
    private readonly globalPerSecond: number,
  ) {}

  allow(peer: DeviceId, now: number): boolean {
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    const last = this.last.get(peer);
    if (last !== undefined && now - last < this.perPeerIntervalMs) return false;
    if (this.inWindow >= this.globalPerSecond) return false;
    this.last.set(peer, now);
    this.inWindow++;
    return true;
  }
}
