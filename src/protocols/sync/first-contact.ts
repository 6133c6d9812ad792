import { compareStrings } from '../../core/compare.ts';
import type { ContextId, DeviceId } from '../../core/ids.ts';

/** How long the device that does not open first waits for its peer's session before opening its own (ms). */
export const FIRST_CONTACT_GRACE_MS = 1_500;

/**
 * One session per pair of peers at first contact: both sides learn of the contact (a connection, a peer on a
 * context's topic) at once, and if both opened a session the facts would cross twice, the second copy validated
 * only to be dropped. The lower DeviceId opens at once; the higher waits `graceMs` and then opens a session
 * only for the contexts its peer did not reconcile with it meanwhile — so a peer that never opens (lost,
 * slow, or hostile) delays convergence by the grace and no more.
 */
export class FirstContact {
  /** Per peer: the pending timer, and the contexts a session served from that peer since contact completed. */
  private readonly waiting = new Map<DeviceId, { timer: ReturnType<typeof setTimeout>; served: Set<ContextId> }>();

  constructor(
    private readonly self: DeviceId | undefined,
    private readonly graceMs: number,
    /** Starts our sessions with `peer`: every shared context, or only those not in `skip`. */
    private readonly open: (peer: DeviceId, skip: ReadonlySet<ContextId>) => void,
  ) {}

  /** A contact with `peer`: open now if we are the designated side, otherwise wait for theirs first. */
  contact(peer: DeviceId): void {
    if (this.self === undefined || compareStrings(this.self, peer) < 0) {
      this.open(peer, new Set());
      return;
    }
    if (this.waiting.has(peer)) return;
    const entry = {
      served: new Set<ContextId>(),
      timer: setTimeout(() => {
        this.waiting.delete(peer);
        this.open(peer, entry.served);
      }, this.graceMs),
    };
    this.waiting.set(peer, entry);
  }

  /** A session `peer` opened with us for `context` completed: while we wait, ours for it is not needed. */
  served(peer: DeviceId, context: ContextId): void {
    this.waiting.get(peer)?.served.add(context);
  }

  stop(): void {
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
  }
}
