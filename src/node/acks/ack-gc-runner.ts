import { gcAckTracking, type AckStore, type FactLookup, type SettledTracking } from '../../core/consistency/ack-gc.ts';
import type { Acknowledgment } from '../../core/consistency/acknowledgment.ts';
import type { PolicyContext, PolicyRegistry } from '../../core/consistency/delivery-policy.ts';
import type { FactId } from '../../core/ids.ts';

/**
 * How long candidates gather before a run starts. Acks of one message arrive from each member in a burst, and
 * a run's transactions compete with sends for the same stores: gathering for a second made a burst of sends
 * ~20% faster than gathering for 100 ms (bench:net), and nothing waits on GC (Delivered comes from evidence).
 */
export const ACK_GC_COALESCE_MS = 1_000;

/** The part of the store ack GC uses: a snapshot of the candidates' acks, and the atomic drop + summary. */
export interface AckGcStore {
  trackedAcknowledgments(ids: readonly FactId[]): Promise<Map<FactId, Acknowledgment>>;
  dropTracking(ids: readonly FactId[], settled: readonly SettledTracking[]): Promise<void>;
}

/** Reduced state as the policies see it, taken when a run plans (membership may have changed since). */
export interface AckGcInputs {
  readonly lookup: FactLookup;
  readonly ctx: PolicyContext;
}

export interface AckGcRunnerOptions {
  readonly store: AckGcStore;
  readonly registry: PolicyRegistry;
  readonly inputs: () => AckGcInputs;
  /** Called once a drop committed, with what each dropped fact's summary was built from. */
  readonly onSettled: (settled: readonly SettledTracking[]) => void;
  /** A failed run changed nothing (the drop is one transaction); its facts are reconsidered on their next ack. */
  readonly onError: (error: unknown) => void;
  readonly coalesceMs: number;
}

/**
 * Runs core's ack GC over candidate facts — those whose acks changed — one run at a time. Candidates scheduled
 * while a run waits or runs join the next run, so a burst of acks costs one or two runs, and two runs never
 * interleave their reads and drops.
 */
export class AckGcRunner {
  private readonly pending = new Set<FactId>();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly opts: AckGcRunnerOptions) {}

  schedule(ids: Iterable<FactId>): void {
    if (this.stopped) return;
    for (const id of ids) this.pending.add(id);
    if (this.pending.size > 0) this.loop ??= this.drain();
  }

  /** Resolves once nothing is scheduled or running. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Schedules nothing more and skips the wait; resolves when a run under way finished, so the store can close. */
  stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    this.wake?.();
    return this.idle();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.stopped) {
        await this.pause();
        if (this.stopped) return;
        const ids = [...this.pending];
        this.pending.clear();
        await this.run(ids);
      }
    } finally {
      this.loop = null;
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.opts.coalesceMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(ids: readonly FactId[]): Promise<void> {
    const { store, registry } = this.opts;
    try {
      const snapshot = await store.trackedAcknowledgments(ids);
      if (snapshot.size === 0) return;
      const { lookup, ctx } = this.opts.inputs();
      // Core's GC reads through this view: the snapshot for planning, the store for the drop.
      const view: AckStore = {
        trackedFactIds: async () => [...snapshot.keys()],
        acknowledgment: async (id) => snapshot.get(id),
        dropTracking: async (drop, settled) => {
          await store.dropTracking(drop, settled);
          this.opts.onSettled(settled);
        },
      };
      await gcAckTracking(view, lookup, registry, ctx);
    } catch (e) {
      if (!this.stopped) this.opts.onError(e);
    }
  }
}
