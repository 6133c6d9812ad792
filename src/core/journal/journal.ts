import { compareStrings } from '../compare.ts';
import { AuraError } from '../errors.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { FactId, Namespace } from '../ids.ts';

export class JournalMergeError extends AuraError<'WrongNamespace'> {
  override readonly name = 'JournalMergeError';
  constructor(readonly a: Namespace, readonly b: Namespace) {
    super('WrongNamespace', `WrongNamespace: cannot merge ${a} with ${b}`);
  }
}

/**
 * The set of validated facts of one namespace. Merge is set union by FactId, so it is commutative,
 * associative and idempotent; facts are never removed (journals are monotone).
 */
export class Journal {
  private constructor(
    readonly namespace: Namespace,
    private readonly facts: Map<FactId, ValidatedFact>,
  ) {}

  static empty(namespace: Namespace): Journal {
    return new Journal(namespace, new Map());
  }

  static of(namespace: Namespace, facts: Iterable<ValidatedFact>): Journal {
    const j = Journal.empty(namespace);
    for (const f of facts) j.insert(f);
    return j;
  }

  get size(): number {
    return this.facts.size;
  }

  has(id: FactId): boolean {
    return this.facts.has(id);
  }

  get(id: FactId): ValidatedFact | undefined {
    return this.facts.get(id);
  }

  /** Adds a fact in place; returns false when it was already present (idempotent). */
  insert(f: ValidatedFact): boolean {
    if (f.fact.ns !== this.namespace) throw new JournalMergeError(this.namespace, f.fact.ns);
    if (this.facts.has(f.id)) return false;
    this.facts.set(f.id, f);
    return true;
  }

  /** The join: a new journal holding every fact of both. */
  merge(other: Journal): Journal {
    if (other.namespace !== this.namespace) throw new JournalMergeError(this.namespace, other.namespace);
    const [big, small] = this.facts.size >= other.facts.size ? [this, other] : [other, this];
    const out = new Map(big.facts);
    for (const [id, f] of small.facts) if (!out.has(id)) out.set(id, f);
    return new Journal(this.namespace, out);
  }

  /** Facts of `other` missing here, i.e. what a merge would add. */
  missingFrom(other: Journal): ValidatedFact[] {
    const out: ValidatedFact[] = [];
    for (const [id, f] of other.facts) if (!this.facts.has(id)) out.push(f);
    return out;
  }

  /** Fact ids in sorted order: the journal's canonical identity. */
  ids(): FactId[] {
    return [...this.facts.keys()].sort(compareStrings);
  }

  values(): IterableIterator<ValidatedFact> {
    return this.facts.values();
  }

  equals(other: Journal): boolean {
    if (this.namespace !== other.namespace || this.size !== other.size) return false;
    for (const id of this.facts.keys()) if (!other.facts.has(id)) return false;
    return true;
  }
}
