import type { ValidatedFact } from '../../core/facts/fact.ts';
import { admitAt } from '../../core/facts/hlc.ts';
import type { ContextId, FactId } from '../../core/ids.ts';
import { compareStrings } from '../../core/compare.ts';
import { compareFacts } from '../../core/reduce/stamp.ts';

/** Facts held per context until their author's membership (or what else authorizes them) arrives. */
export const MAX_PENDING_PER_CONTEXT = 2_000;
/** Facts held per context until the local clock reaches their time. */
export const MAX_FUTURE_PER_CONTEXT = 256;

/**
 * Valid facts that may not enter their journal yet, per context, in fact order. Gossip keeps no order, so a
 * join may arrive after the facts it authorizes. Beyond the bound, facts are dropped (and counted, never
 * stored) from whichever author holds the most, newest first: one author's flood evicts only its own facts.
 */
export class HeldFacts {
  private readonly byContext = new Map<ContextId, Map<FactId, ValidatedFact>>();
  /** `list`'s answer per context, kept until the context's facts change: admission reads it on every delivery. */
  private readonly sorted = new Map<ContextId, ValidatedFact[]>();

  constructor(
    private readonly max: number,
    private readonly overflow: string,
  ) {}

  add(context: ContextId, facts: readonly ValidatedFact[], onDrop: (reason: string) => void): void {
    let waiting = this.byContext.get(context);
    if (!waiting) this.byContext.set(context, (waiting = new Map()));
    if (facts.length > 0) this.sorted.delete(context);
    for (const f of facts) waiting.set(f.id, f);
    let excess = waiting.size - this.max;
    if (excess <= 0) return;
    const byAuthor = new Map<string, ValidatedFact[]>();
    for (const f of waiting.values()) {
      const key = `${f.fact.author}\u0000${f.fact.device}`;
      const list = byAuthor.get(key);
      if (list) list.push(f);
      else byAuthor.set(key, [f]);
    }
    // The largest share loses; ties go to the greater key, so eviction does not depend on arrival order.
    const heaviest = (): ValidatedFact[] => {
      let best: [string, ValidatedFact[]] | null = null;
      for (const e of byAuthor) if (best === null || e[1].length > best[1].length || (e[1].length === best[1].length && compareStrings(e[0], best[0]) > 0)) best = e;
      return best![1];
    };
    for (const list of byAuthor.values()) list.sort(compareFacts);
    while (excess-- > 0) {
      const f = heaviest().pop()!;
      waiting.delete(f.id);
      onDrop(this.overflow);
    }
  }

  has(context: ContextId, id: FactId): boolean {
    return this.byContext.get(context)?.has(id) ?? false;
  }

  /** The waiting facts of a context, in fact order. */
  list(context: ContextId): ValidatedFact[] {
    let out = this.sorted.get(context);
    if (out === undefined) this.sorted.set(context, (out = [...(this.byContext.get(context)?.values() ?? [])].sort(compareFacts)));
    return [...out];
  }

  remove(context: ContextId, ids: Iterable<FactId>): void {
    const waiting = this.byContext.get(context);
    if (!waiting) return;
    for (const id of ids) if (waiting.delete(id)) this.sorted.delete(context);
  }

  count(context: ContextId): number {
    return this.byContext.get(context)?.size ?? 0;
  }

  contexts(): ContextId[] {
    return [...this.byContext.keys()].filter((c) => this.count(c) > 0).sort();
  }
}

/** The local time at which the earliest held fact of any context may be admitted, or null when none waits. */
export function nextDue(held: HeldFacts): number | null {
  let due: number | null = null;
  for (const c of held.contexts()) for (const f of held.list(c)) due = Math.min(due ?? Infinity, admitAt(f.fact.time));
  return due;
}
