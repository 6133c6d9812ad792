import type { ValidatedFact } from '../facts/fact.ts';
import { compareFacts } from './stamp.ts';

/**
 * Keeps, per key, the earliest fact by (order time, FactId). Taking a minimum is commutative, associative
 * and idempotent, so "first one is final" rules stay order-independent.
 */
export function keepFirst<K, F extends ValidatedFact>(m: Map<K, F>, key: K, f: F): void {
  const kept = m.get(key);
  if (kept === undefined || compareFacts(f, kept) < 0) m.set(key, f);
}

/** Keeps, per key, the latest fact by the same order: "latest wins" settings, just as order-independent. */
export function keepLast<K, F extends ValidatedFact>(m: Map<K, F>, key: K, f: F): void {
  const kept = m.get(key);
  if (kept === undefined || compareFacts(f, kept) > 0) m.set(key, f);
}
