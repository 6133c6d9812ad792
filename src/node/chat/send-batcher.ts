import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { ContextId } from '../../core/ids.ts';
import type { WriteRequest } from '../host/write-path.ts';

/** Most facts one guarded write carries (one IndexedDB transaction, ≤ 16 sealed payloads): a 1000-message burst is one write. */
export const MAX_BATCH = 1024;

interface Pending {
  /** Signing may still run (platform Ed25519); the entry holds its place in the order of the calls. */
  readonly fact: Promise<ValidatedFact>;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit for sends (issue 15 §7): facts drafted in one burst — already signed and in clock order — go
 * through one guarded write per batch (one charge, one IndexedDB transaction, one publish), one batch at a time
 * per context, so order on disk and on the wire is the order of the calls. Each caller's promise settles with
 * its batch: durable and sent, or the write's typed error.
 */
export class SendBatcher {
  private readonly queues = new Map<ContextId, Pending[]>();
  private readonly draining = new Set<ContextId>();

  constructor(
    private readonly write: (req: WriteRequest) => Promise<void>,
    private readonly request: (context: ContextId, facts: readonly ValidatedFact[]) => WriteRequest,
  ) {}

  add(context: ContextId, fact: Promise<ValidatedFact>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let q = this.queues.get(context);
      if (!q) this.queues.set(context, (q = []));
      q.push({ fact, resolve, reject });
      // A microtask later: every send of the same synchronous burst is in the first batch.
      if (!this.draining.has(context)) {
        this.draining.add(context);
        queueMicrotask(() => void this.drain(context));
      }
    });
  }

  private async drain(context: ContextId): Promise<void> {
    const q = this.queues.get(context)!;
    while (q.length > 0) {
      const batch = q.splice(0, MAX_BATCH);
      try {
        await this.write(this.request(context, await Promise.all(batch.map((p) => p.fact))));
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.queues.delete(context);
    this.draining.delete(context);
  }
}
