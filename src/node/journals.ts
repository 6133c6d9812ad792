import type { ValidatedFact } from '../core/facts/fact.ts';
import type { FactId, Namespace } from '../core/ids.ts';
import { namespaceReducer, type NamespaceState } from '../core/reduce/namespace-reducer.ts';
import type { SnapshotBlob } from '../core/snapshot/blob.ts';
import { seedMessages } from '../core/snapshot/hydrate.ts';

/** One namespace in memory: the facts it holds and its incrementally reduced state. */
export interface LiveJournal {
  readonly ns: Namespace;
  readonly facts: Map<FactId, ValidatedFact>;
  readonly state: NamespaceState;
}

/** The node's reduced view of every journal it holds. Applying a known fact again changes nothing. */
export class Journals {
  private readonly byNs = new Map<Namespace, LiveJournal>();

  get(ns: Namespace): LiveJournal | undefined {
    return this.byNs.get(ns);
  }

  namespaces(): Namespace[] {
    return [...this.byNs.keys()].sort();
  }

  factCount(): number {
    let n = 0;
    for (const j of this.byNs.values()) n += j.facts.size;
    return n;
  }

  fact(id: FactId): ValidatedFact | undefined {
    for (const j of this.byNs.values()) {
      const f = j.facts.get(id);
      if (f) return f;
    }
    return undefined;
  }

  /** Whether a fact is held: as a fact, or as a message a snapshot compacted (its fact was pruned). */
  holds(ns: Namespace, id: FactId): boolean {
    const j = this.byNs.get(ns);
    return j !== undefined && (j.facts.has(id) || j.state.chat.messageIds.has(id));
  }

  private journal(ns: Namespace): LiveJournal {
    let j = this.byNs.get(ns);
    if (!j) this.byNs.set(ns, (j = { ns, facts: new Map(), state: namespaceReducer.init() }));
    return j;
  }

  /** Cold start: a stored snapshot's messages first; its whole facts are among the stored facts replayed next. */
  seed(blob: SnapshotBlob): void {
    seedMessages(this.journal(blob.ns).state, blob);
  }

  /** Forgets the facts of messages a completed snapshot covers: the reduced state keeps them. */
  prune(ns: Namespace, ids: readonly FactId[]): void {
    const j = this.byNs.get(ns);
    if (j) for (const id of ids) j.facts.delete(id);
  }

  /** Applies a fact; returns false if it was already known (also as a compacted message). */
  apply(f: ValidatedFact): boolean {
    const j = this.journal(f.fact.ns);
    if (j.facts.has(f.id) || j.state.chat.messageIds.has(f.id)) return false;
    j.facts.set(f.id, f);
    namespaceReducer.apply(j.state, f);
    return true;
  }
}
