import { unwrap, type IDBPDatabase } from 'idb';
import { compareStrings } from '../core/compare.ts';
import type { ValidatedFact } from '../core/facts/fact.ts';
import { merge, type FlowBudget } from '../core/flow/flow-budget.ts';
import type { BudgetCharge } from '../core/flow/guard-effects.ts';
import type { AuthorityId, FactId } from '../core/ids.ts';
import { toStoreError } from './errors.ts';
import { factRecord } from './fact-record.ts';
import type { AckTracking, AuraDB, AuraStoreName } from './schema.ts';

/** Local state that must become durable together with a batch of facts, or not at all. */
export interface AppendExtra {
  /** Budgets after their charges; each is merged with the stored budget of its key. */
  readonly budgets?: readonly BudgetCharge[];
  readonly meta?: readonly (readonly [string, unknown])[];
  /** Facts whose acks to collect, from these peers (written as given, even for facts already stored). */
  readonly trackAcks?: readonly { readonly factId: FactId; readonly expected: readonly AuthorityId[] }[];
}

/**
 * Writes the batch in ONE readwrite transaction and returns the ids that were not stored before, in batch
 * order. Every fact is an `add`: a fact already stored fails with ConstraintError, which is cancelled so it
 * neither aborts the transaction nor costs a read beforehand. Any other failure (a value that cannot be
 * cloned, quota, a dying tab) aborts the whole transaction: none of the batch is stored.
 */
export async function appendBatch(db: IDBPDatabase<AuraDB>, facts: readonly ValidatedFact[], extra: AppendExtra): Promise<FactId[]> {
  const budgets = extra.budgets ?? [];
  const meta = extra.meta ?? [];
  const tracking = extra.trackAcks ?? [];
  const names: AuraStoreName[] = ['facts'];
  if (budgets.length > 0) names.push('budgets');
  if (meta.length > 0) names.push('meta');
  if (tracking.length > 0) names.push('ackTracking');
  if (facts.length === 0 && names.length === 1) return [];

  let tx: IDBTransaction;
  try {
    tx = unwrap(db).transaction(names, 'readwrite');
  } catch (e) {
    throw toStoreError(e, 'write');
  }
  const done = completion(tx);
  const fresh: FactId[] = [];
  try {
    addFacts(tx.objectStore('facts'), facts, fresh);
    if (budgets.length > 0) mergeBudgets(tx.objectStore('budgets'), budgets);
    if (meta.length > 0) {
      const store = tx.objectStore('meta');
      for (const [key, value] of meta) store.put(value, key);
    }
    if (tracking.length > 0) {
      const store = tx.objectStore('ackTracking');
      for (const t of mergeTracking(tracking)) store.put(t);
    }
  } catch (e) {
    tx.abort();
    await done.catch(() => undefined);
    throw toStoreError(e, 'write');
  }
  await done;
  return fresh;
}

function addFacts(store: IDBObjectStore, facts: readonly ValidatedFact[], fresh: FactId[]): void {
  const seen = new Set<FactId>();
  for (const vf of facts) {
    if (seen.has(vf.id)) continue;
    seen.add(vf.id);
    const request = store.add(factRecord(vf));
    // Requests of one transaction succeed in the order they were made, so `fresh` keeps batch order.
    request.onsuccess = () => fresh.push(vf.id);
    request.onerror = (event) => {
      if (request.error?.name !== 'ConstraintError') return;
      event.preventDefault();
      event.stopPropagation();
    };
  }
}

/** Read-merge-write of each budget inside the transaction; charges of one key in the batch are merged first. */
function mergeBudgets(store: IDBObjectStore, charges: readonly BudgetCharge[]): void {
  const byKey = new Map<string, FlowBudget>();
  for (const c of charges) {
    const prev = byKey.get(c.key);
    byKey.set(c.key, prev === undefined ? c.budget : merge(prev, c.budget));
  }
  for (const [key, budget] of byKey) {
    const request = store.get(key) as IDBRequest<FlowBudget | undefined>;
    request.onsuccess = () => {
      const stored = request.result;
      store.put(stored === undefined ? budget : merge(stored, budget), key);
    };
  }
}

/** One record per fact; a fact listed twice expects the union of its peers. */
function mergeTracking(tracking: AppendExtra['trackAcks'] & {}): AckTracking[] {
  const byFact = new Map<FactId, Set<AuthorityId>>();
  for (const t of tracking) {
    const peers = byFact.get(t.factId) ?? new Set<AuthorityId>();
    for (const p of t.expected) peers.add(p);
    byFact.set(t.factId, peers);
  }
  return [...byFact].map(([factId, peers]) => ({ factId, expected: [...peers].sort(compareStrings) }));
}

/** Resolves when the transaction commits; rejects with a StoreError when it aborts for any reason. */
function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(toStoreError(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'), 'write'));
  });
}
