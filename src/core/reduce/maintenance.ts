import { compareNumbers, compareStrings, sortedKeys } from '../compare.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { ProtocolVersion, SnapshotV1 } from '../facts/kinds/maintenance.ts';
import type { Epoch, FactId } from '../ids.ts';
import { compareVersions } from '../version.ts';
import { compareFacts } from './stamp.ts';
import { keepFirst } from './first-by-order.ts';
import type { Reducer } from './reducer.ts';

type Proposed = ValidatedFact<'maint.snapshotProposed'>;
type Completed = ValidatedFact<'maint.snapshotCompleted'>;
type Upgrade = ValidatedFact<'maint.upgradeActivated'>;
type Replacement = ValidatedFact<'maint.adminReplacement'>;

/**
 * Maintenance knowledge of one authority journal (spec 004 §1–6). Every field is a join over the fact set
 * (first by fact order, max, union), so facts fold in any order to the same state.
 */
export interface MaintenanceState {
  /** The first proposal per proposalId by fact order; a later fact reusing the id does not replace it. */
  readonly proposed: Map<string, Proposed>;
  /** Max by (epoch, digest, FactId). */
  latest: Completed | null;
  /** Highest epoch floor per cache key. */
  readonly cacheFloors: Map<string, Epoch>;
  readonly upgrades: Map<FactId, Upgrade>;
  readonly replacements: Map<FactId, Replacement>;
}

export interface MaintenanceCanonical {
  readonly proposed: readonly FactId[];
  readonly latestSnapshot: FactId | null;
  readonly cacheFloors: readonly (readonly [string, Epoch])[];
  readonly upgrades: readonly FactId[];
  readonly replacements: readonly FactId[];
}

export interface CompletedSnapshot {
  readonly proposalId: string;
  readonly snapshot: SnapshotV1;
  readonly thresholdSignature: Uint8Array;
  readonly fact: FactId;
}

/** The tuple a maintenance session runs under (spec 004 §6); snapshotEpoch is 0 before any snapshot. */
export interface MaintenanceEpoch {
  readonly identityEpoch: Epoch;
  readonly snapshotEpoch: Epoch;
}

function compareCompleted(a: Completed, b: Completed): number {
  const x = a.fact.body.snapshot;
  const y = b.fact.body.snapshot;
  return compareNumbers(x.epoch, y.epoch) || compareStrings(x.digest, y.digest) || compareStrings(a.id, b.id);
}

export { compareVersions };

const sortedIds = (fs: Iterable<ValidatedFact>): FactId[] => [...fs].map((f) => f.id).sort(compareStrings);

export const maintenanceReducer: Reducer<MaintenanceState, MaintenanceCanonical> = {
  init: () => ({ proposed: new Map(), latest: null, cacheFloors: new Map(), upgrades: new Map(), replacements: new Map() }),
  apply(st, vf) {
    switch (vf.fact.kind) {
      case 'maint.snapshotProposed':
        keepFirst(st.proposed, (vf as Proposed).fact.body.proposalId, vf as Proposed);
        return;
      case 'maint.snapshotCompleted':
        if (st.latest === null || compareCompleted(vf as Completed, st.latest) > 0) st.latest = vf as Completed;
        return;
      case 'maint.cacheInvalidated': {
        const { keys, epochFloor } = (vf as ValidatedFact<'maint.cacheInvalidated'>).fact.body;
        for (const k of keys) st.cacheFloors.set(k, Math.max(st.cacheFloors.get(k) ?? epochFloor, epochFloor));
        return;
      }
      case 'maint.upgradeActivated':
        st.upgrades.set(vf.id, vf as Upgrade);
        return;
      case 'maint.adminReplacement':
        st.replacements.set(vf.id, vf as Replacement);
        return;
    }
  },
  canonical(st) {
    return {
      proposed: sortedIds(st.proposed.values()),
      latestSnapshot: st.latest?.id ?? null,
      cacheFloors: sortedKeys(st.cacheFloors).map((k) => [k, st.cacheFloors.get(k)!] as const),
      upgrades: sortedIds(st.upgrades.values()),
      replacements: sortedIds(st.replacements.values()),
    };
  },
};

/** The announced snapshot proposal with this id, or null. */
export function snapshotProposal(st: MaintenanceState, proposalId: string): Proposed['fact']['body'] | null {
  return st.proposed.get(proposalId)?.fact.body ?? null;
}

/** The completed snapshot with the highest epoch (ties: larger digest), or null before the first. */
export function latestSnapshot(st: MaintenanceState): CompletedSnapshot | null {
  if (st.latest === null) return null;
  const { proposalId, snapshot, thresholdSignature } = st.latest.fact.body;
  return { proposalId, snapshot, thresholdSignature, fact: st.latest.id };
}

/** A cache entry is valid only when the current epoch exceeds its key's floor; a key never invalidated is valid. */
export function isCacheValid(st: MaintenanceState, key: string, currentEpoch: Epoch): boolean {
  const floor = st.cacheFloors.get(key);
  return floor === undefined || currentEpoch > floor;
}

/** Activated upgrades in (fence, version, FactId) order. */
export function activatedUpgrades(st: MaintenanceState): Upgrade['fact']['body'][] {
  return [...st.upgrades.values()]
    .sort((a, b) => compareNumbers(a.fact.body.activationFence, b.fact.body.activationFence) || compareVersions(a.fact.body.toVersion, b.fact.body.toVersion) || compareFacts(a, b))
    .map((u) => u.fact.body);
}

/** A session may run only if the local epoch has reached every activated upgrade's fence. */
export function satisfiesFence(st: MaintenanceState, localEpoch: Epoch): boolean {
  for (const u of st.upgrades.values()) if (u.fact.body.activationFence > localEpoch) return false;
  return true;
}

/** Highest version whose fence the local epoch has reached; null when no upgrade is active yet (run the baseline). */
export function activeProtocolVersion(st: MaintenanceState, localEpoch: Epoch): ProtocolVersion | null {
  let best: ProtocolVersion | null = null;
  for (const u of st.upgrades.values()) {
    const { activationFence, toVersion } = u.fact.body;
    if (activationFence <= localEpoch && (best === null || compareVersions(toVersion, best) > 0)) best = toVersion;
  }
  return best;
}

/**
 * Whether operations of `admin` are ignored at `epoch`: some replacement retired it at or before that
 * epoch. Retirement is monotone (facts only add), so a later appointment of the same admin does not undo it.
 * In an authority journal the admins are its devices (authz/README.md).
 */
export function isAdminRetired(st: MaintenanceState, admin: string, epoch: Epoch): boolean {
  for (const r of st.replacements.values()) if (r.fact.body.oldAdmin === admin && r.fact.body.activationEpoch <= epoch) return true;
  return false;
}

export function maintenanceEpoch(st: MaintenanceState, identityEpoch: Epoch): MaintenanceEpoch {
  return { identityEpoch, snapshotEpoch: st.latest?.fact.body.snapshot.epoch ?? 0 };
}

/** Facts with epochs below this may be pruned (the latest snapshot covers them); null until a snapshot completes. */
export function prunableBefore(st: MaintenanceState): Epoch | null {
  return st.latest?.fact.body.snapshot.epoch ?? null;
}
