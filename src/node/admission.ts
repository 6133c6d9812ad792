import { toHex } from '../core/encoding/bytes.ts';
import { isKind, type ValidatedFact } from '../core/facts/fact.ts';
import type { ContextId, FactId } from '../core/ids.ts';
import { isValidMemberBinding, mayWrite, type ContextMembers } from '../core/reduce/membership.ts';
import { stampOf } from '../core/reduce/stamp.ts';

/** Facts held back per context until their author's membership arrives (gossip does not keep order). */
export const MAX_PENDING_PER_CONTEXT = 2_000;

/** A received fact may enter a context: a valid self-join, or a fact by a member from a proven device. */
export function admissible(f: ValidatedFact, m: ContextMembers): boolean {
  if (isKind(f, 'rel.binding')) {
    const b = f.fact.body;
    const binding = { stamp: stampOf(f), author: f.fact.author, bindingType: b.bindingType, authorities: b.authorities, data: b.data ? toHex(b.data) : null };
    if (isValidMemberBinding(binding)) return true;
  }
  return mayWrite(m, f.fact.author, f.fact.device);
}

/**
 * Valid facts that are not admissible yet, per context, oldest first. A join may arrive after the
 * facts it enables; facts that overflow the bound are dropped and counted, never stored.
 */
export class PendingFacts {
  private readonly byContext = new Map<ContextId, Map<FactId, ValidatedFact>>();

  add(context: ContextId, facts: readonly ValidatedFact[], onDrop: (reason: string) => void): void {
    const waiting = this.byContext.get(context) ?? new Map<FactId, ValidatedFact>();
    for (const f of facts) waiting.set(f.id, f);
    for (const id of waiting.keys()) {
      if (waiting.size <= MAX_PENDING_PER_CONTEXT) break;
      waiting.delete(id);
      onDrop('not-member');
    }
    this.byContext.set(context, waiting);
  }

  /** Removes and returns the waiting facts the predicate admits. */
  take(context: ContextId, admit: (f: ValidatedFact) => boolean): ValidatedFact[] {
    const waiting = this.byContext.get(context);
    if (!waiting) return [];
    const out = [...waiting.values()].filter(admit);
    for (const f of out) waiting.delete(f.id);
    return out;
  }

  count(context: ContextId): number {
    return this.byContext.get(context)?.size ?? 0;
  }
}
