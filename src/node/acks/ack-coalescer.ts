import type { AuthorityId, ContextId, FactId } from '../../core/ids.ts';
import { MAX_ACK_FACTS } from '../../core/limits.ts';

/** How long acks owed in a context wait for more before they are signed with fewer facts than a full ack. */
export const ACK_COALESCE_MS = 100;

type Send = (context: ContextId, facts: readonly FactId[], authors: readonly AuthorityId[]) => Promise<void>;

interface Pending {
  facts: FactId[];
  authors: Set<AuthorityId>;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Acks owed per context, gathered across admitted batches: a sync session hands its facts over frame by
 * frame (a few dozen each), and acking each frame alone would sign several times as many acks as needed.
 * Whole acks (MAX_ACK_FACTS facts) go at once; a remainder waits up to `delayMs` for more. Acks dropped by
 * `stop` are not lost: the author asks for them in its next sync session with us.
 */
export class AckCoalescer {
  private readonly pending = new Map<ContextId, Pending>();

  constructor(
    private readonly send: Send,
    private readonly delayMs = ACK_COALESCE_MS,
  ) {}

  add(context: ContextId, facts: readonly FactId[], authors: readonly AuthorityId[]): Promise<void> {
    if (facts.length === 0) return Promise.resolve();
    let p = this.pending.get(context);
    if (!p) this.pending.set(context, (p = { facts: [], authors: new Set(), timer: null }));
    p.facts.push(...facts);
    for (const a of authors) p.authors.add(a);
    const whole = p.facts.length - (p.facts.length % MAX_ACK_FACTS);
    if (whole > 0) {
      const out = p.facts.splice(0, whole);
      const to = [...p.authors];
      if (p.facts.length === 0) this.forget(context, p);
      return this.send(context, out, to);
    }
    if (p.timer === null) {
      const q = p;
      q.timer = setTimeout(() => {
        this.forget(context, q);
        void this.send(context, q.facts, [...q.authors]);
      }, this.delayMs);
    }
    return Promise.resolve();
  }

  stop(): void {
    for (const p of this.pending.values()) if (p.timer !== null) clearTimeout(p.timer);
    this.pending.clear();
  }

  private forget(context: ContextId, p: Pending): void {
    if (p.timer !== null) clearTimeout(p.timer);
    this.pending.delete(context);
  }
}
