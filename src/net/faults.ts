import type { DeviceId } from '../core/ids.ts';
import { prng } from '../core/prng.ts';
import type { FrameChannel } from './frame-channel.ts';

/**
 * A tab's injected network faults (the lab). They live at the transport, so every protocol above sees them;
 * they are per tab and never persisted (a reload heals).
 */
export interface LabFaults {
  /** Cuts the relay and every peer link, refuses every dial both ways, publishes nothing. */
  readonly offline: boolean;
  /** Partitioned from these peers: no direct or relayed link, dials refused both ways (sorted). */
  readonly blocked: readonly DeviceId[];
  /** Added before every outgoing payload and frame. */
  readonly latencyMs: number;
  /** Per mille (0..1000) of outgoing payloads dropped, counted `lab:loss`. */
  readonly loss: number;
}

export const NO_FAULTS: LabFaults = { offline: false, blocked: [], latencyMs: 0, loss: 0 };

/** Added latency is bounded so a lab setting cannot stall a sync session past its frame timeouts. */
export const MAX_LATENCY_MS = 5_000;

/** What a change of faults means for the links: which to cut now and which may be dialled again at once. */
export interface FaultChange {
  readonly wentOffline: boolean;
  readonly cameOnline: boolean;
  readonly newlyBlocked: readonly DeviceId[];
  readonly unblocked: readonly DeviceId[];
}

/**
 * The fault state of one transport, and the seeded PRNG that decides which payloads are lost. The seed is
 * drawn from the transport's injected randomness when loss is first set, so seeded tests lose the same
 * payloads on every run and a node that never uses the lab draws nothing extra.
 */
export class Faults {
  private state: LabFaults = NO_FAULTS;
  private prng: (() => number) | null = null;

  constructor(private readonly random: (n: number) => Uint8Array) {}

  get current(): LabFaults {
    return this.state;
  }

  /** Applies a patch (values clamped to their range) and says what changed for the links. */
  set(patch: Partial<LabFaults>): FaultChange {
    const before = this.state;
    const next: LabFaults = {
      offline: patch.offline ?? before.offline,
      blocked: patch.blocked ? [...new Set(patch.blocked)].sort() : before.blocked,
      latencyMs: clamp(patch.latencyMs ?? before.latencyMs, MAX_LATENCY_MS),
      loss: clamp(patch.loss ?? before.loss, 1000),
    };
    this.state = next;
    return {
      wentOffline: next.offline && !before.offline,
      cameOnline: before.offline && !next.offline,
      newlyBlocked: next.blocked.filter((p) => !before.blocked.includes(p)),
      unblocked: before.blocked.filter((p) => !next.blocked.includes(p)),
    };
  }

  /** Whether the link to `peer` (or, for null, to anyone: the relay, an unidentified inbound dial) is cut. */
  cuts(peer: DeviceId | null): boolean {
    return this.state.offline || (peer !== null && this.state.blocked.includes(peer));
  }

  /** Whether the next outgoing payload is lost (decided by the seeded PRNG, one draw per payload). */
  lose(): boolean {
    if (this.state.loss === 0) return false;
    if (this.prng === null) {
      const b = this.random(4);
      this.prng = prng(new DataView(b.buffer, b.byteOffset, 4).getUint32(0));
    }
    return Math.floor(this.prng() * 1000) < this.state.loss;
  }

  /** Waits out the added latency (nothing when none is set). */
  async delay(): Promise<void> {
    const ms = this.state.latencyMs;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }
}

/**
 * A frame channel under the lab's faults: each frame waits out the latency; once the link is cut the channel
 * closes (so the other end reads the end of the session) and sending throws, as on a closed connection.
 */
export function faultyFrames(ch: FrameChannel, faults: Faults, cut: () => boolean): FrameChannel {
  return {
    stats: ch.stats,
    async send(frame) {
      await faults.delay();
      if (cut()) {
        await ch.close();
        throw new Error('link cut (lab)');
      }
      return ch.send(frame);
    },
    receive: () => ch.receive(),
    close: () => ch.close(),
  };
}

function clamp(v: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(0, Math.round(v))) : 0;
}
