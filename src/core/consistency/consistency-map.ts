import { sortedKeys } from '../compare.ts';
import type { AckRecord } from './acknowledgment.ts';
import { isFinalized } from './agreement.ts';
import { joinConsistency, type Consistency } from './consistency.ts';
import type { Propagation } from './propagation.ts';

/**
 * Consistency metadata of the entries of a query result, keyed by entry id (usually a FactId).
 * Immutable: every update returns a new map. Anything observable is sorted by id.
 */
export class ConsistencyMap {
  private constructor(private readonly entriesById: ReadonlyMap<string, Consistency>) {}

  static readonly EMPTY = new ConsistencyMap(new Map());

  /** Builds a map; an id given twice keeps the join of its values, so input order never matters. */
  static of(entries: Iterable<readonly [string, Consistency]>): ConsistencyMap {
    const m = new Map<string, Consistency>();
    for (const [id, c] of entries) {
      const prev = m.get(id);
      m.set(id, prev === undefined ? c : joinConsistency(prev, c));
    }
    return new ConsistencyMap(m);
  }

  get size(): number {
    return this.entriesById.size;
  }

  ids(): string[] {
    return sortedKeys(this.entriesById);
  }

  entries(): [string, Consistency][] {
    return this.ids().map((id) => [id, this.entriesById.get(id)!]);
  }

  get(id: string): Consistency | undefined {
    return this.entriesById.get(id);
  }

  isFinalized(id: string): boolean {
    const c = this.entriesById.get(id);
    return c !== undefined && isFinalized(c.agreement);
  }

  /** Acks of an entry; undefined when the entry is unknown or not ack-tracked. */
  ackedBy(id: string): readonly AckRecord[] | undefined {
    return this.entriesById.get(id)?.acknowledgment?.ackedBy;
  }

  propagation(id: string): Propagation | undefined {
    return this.entriesById.get(id)?.propagation;
  }

  /** Replaces one entry. For a local writer that owns the value; use `merge` to combine evidence. */
  with(id: string, c: Consistency): ConsistencyMap {
    const m = new Map(this.entriesById);
    m.set(id, c);
    return new ConsistencyMap(m);
  }

  /**
   * Lattice join, not last-writer-wins: an entry on one side only is kept, an entry on both sides is joined
   * componentwise. Commutative, associative and idempotent because each component join is.
   */
  merge(other: ConsistencyMap): ConsistencyMap {
    const m = new Map(this.entriesById);
    for (const id of sortedKeys(other.entriesById)) {
      const theirs = other.entriesById.get(id)!;
      const ours = m.get(id);
      m.set(id, ours === undefined ? theirs : joinConsistency(ours, theirs));
    }
    return new ConsistencyMap(m);
  }
}
