import type { ContextId, DeviceId } from '../../core/ids.ts';

export interface ActiveSession {
  readonly peer: DeviceId;
  readonly context: ContextId;
  readonly epoch: number;
  done: number;
  total: number;
  readonly abort: AbortController;
}

/**
 * Spec 004 §8.2: at most `maxPerPeer` sessions per peer and `maxTotal` overall; every session carries the
 * identity epoch it started under and is aborted when the epoch advances.
 */
export class SessionManager {
  private readonly active = new Set<ActiveSession>();

  constructor(
    private readonly maxPerPeer: number,
    private readonly maxTotal: number,
  ) {}

  tryStart(peer: DeviceId, context: ContextId, epoch: number): ActiveSession | null {
    if (this.active.size >= this.maxTotal) return null;
    let forPeer = 0;
    for (const s of this.active) if (s.peer === peer) forPeer++;
    if (forPeer >= this.maxPerPeer) return null;
    const s: ActiveSession = { peer, context, epoch, done: 0, total: 0, abort: new AbortController() };
    this.active.add(s);
    return s;
  }

  end(s: ActiveSession): void {
    this.active.delete(s);
  }

  countFor(peer: DeviceId): number {
    let n = 0;
    for (const s of this.active) if (s.peer === peer) n++;
    return n;
  }

  /** The identity epoch advanced: sessions begun under an older one stop. */
  epochAdvanced(epoch: number): void {
    for (const s of this.active) if (s.epoch < epoch) s.abort.abort(new Error('identity epoch advanced'));
  }

  list(): readonly ActiveSession[] {
    return [...this.active];
  }
}
