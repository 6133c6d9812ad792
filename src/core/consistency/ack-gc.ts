import { compareStrings } from '../compare.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, FactId } from '../ids.ts';
import { joinAcknowledgment, type Acknowledgment } from './acknowledgment.ts';
import type { Consistency } from './consistency.ts';
import type { PolicyContext, PolicyRegistry } from './delivery-policy.ts';

/**
 * What a policy settled on when it allowed a fact's tracking to be dropped: the peers it expected and every
 * ack known then. A store keeps it in place of the tracking, so the evidence outlives the ack rows.
 */
export interface SettledTracking {
  readonly factId: FactId;
  readonly expected: readonly AuthorityId[];
  readonly acknowledgment: Acknowledgment;
}

/** Ack storage kept apart from the journal (the IndexedDB store implements it). */
export interface AckStore {
  trackedFactIds(): Promise<readonly FactId[]>;
  acknowledgment(id: FactId): Promise<Acknowledgment | undefined>;
  /**
   * Drops the tracking of all the given facts in one atomic write. `settled` describes each of them, in the
   * same order; a store that keeps summaries of dropped facts writes them in that same write.
   */
  dropTracking(ids: readonly FactId[], settled: readonly SettledTracking[]): Promise<void>;
}

export interface TrackedAck {
  readonly factId: FactId;
  readonly acknowledgment: Acknowledgment;
}

export interface FactWithConsistency {
  readonly fact: ValidatedFact;
  readonly consistency: Consistency;
}

export type FactLookup = (id: FactId) => FactWithConsistency | undefined;

export interface AckGcResult {
  readonly dropped: FactId[];
  readonly retained: FactId[];
}

/**
 * The tracked facts the registry's policies allow to forget, with what each policy settled on, sorted by
 * FactId. The policy sees the join of the stored acks and any acks in the fact's consistency, so no evidence
 * is ignored. Tracking of a fact the lookup does not know is retained: with no fact there is no policy to consult.
 * `tracked` names each fact once (as the store lists it; `gcAckTracking` removes repeats before planning).
 */
export function planSettledTracking(tracked: readonly TrackedAck[], lookup: FactLookup, registry: PolicyRegistry, ctx: PolicyContext): SettledTracking[] {
  const settled = new Map<FactId, SettledTracking>();
  for (const t of tracked) {
    const known = lookup(t.factId);
    if (known === undefined) continue;
    const c = known.consistency;
    const acknowledgment = c.acknowledgment === null ? t.acknowledgment : joinAcknowledgment(c.acknowledgment, t.acknowledgment);
    const policy = registry.getPolicy(known.fact);
    const expected = policy.expectedPeers(known.fact, ctx);
    if (policy.shouldDropTracking({ ...c, acknowledgment }, expected)) settled.set(t.factId, { factId: t.factId, expected, acknowledgment });
  }
  return [...settled.values()].sort((a, b) => compareStrings(a.factId, b.factId));
}

/** Which tracked facts the registry's policies allow to forget, sorted (see `planSettledTracking`). */
export function planAckGc(tracked: readonly TrackedAck[], lookup: FactLookup, registry: PolicyRegistry, ctx: PolicyContext): FactId[] {
  return planSettledTracking(tracked, lookup, registry, ctx).map((s) => s.factId);
}

/**
 * Reads the store, plans with the policies, and drops the planned facts in one batch. A fact whose tracking
 * vanished between listing and reading is in neither list.
 */
export async function gcAckTracking(store: AckStore, lookup: FactLookup, registry: PolicyRegistry, ctx: PolicyContext): Promise<AckGcResult> {
  const ids = [...new Set(await store.trackedFactIds())].sort(compareStrings);
  const tracked: TrackedAck[] = [];
  for (const factId of ids) {
    const acknowledgment = await store.acknowledgment(factId);
    if (acknowledgment !== undefined) tracked.push({ factId, acknowledgment });
  }
  const settled = planSettledTracking(tracked, lookup, registry, ctx);
  const dropped = settled.map((s) => s.factId);
  if (dropped.length > 0) await store.dropTracking(dropped, settled);
  const droppedSet = new Set(dropped);
  return { dropped, retained: tracked.map((t) => t.factId).filter((id) => !droppedSet.has(id)) };
}
