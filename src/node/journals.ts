import type { ValidatedFact } from '../core/facts/fact.ts';
import type { FactId, Namespace } from '../core/ids.ts';
import { namespaceReducer, type NamespaceState } from '../core/reduce/namespace-reducer.ts';

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

  /** Applies a fact; returns false if it was already known. */
  apply(f: ValidatedFact): boolean {
    let j = this.byNs.get(f.fact.ns);
    if (!j) {
      j = { ns: f.fact.ns, facts: new Map(), state: namespaceReducer.init() };
      this.byNs.set(f.fact.ns, j);
    }
    if (j.facts.has(f.id)) return false;
    j.facts.set(f.id, f);
    namespaceReducer.apply(j.state, f);
    return true;
  }
}
