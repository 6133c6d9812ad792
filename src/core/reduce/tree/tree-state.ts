import type { Guardian } from '../../facts/kinds/tree.ts';
import type { DeviceId, Epoch, Hash32 } from '../../ids.ts';

export interface Leaf {
  readonly device: DeviceId;
  readonly role: 'device' | 'guardian';
}

/**
 * The guardian branch (DESIGN §2): contacts whose threshold signature re-admits a new device. Guardians are
 * never leaves: they count as no device, author no device op and never attest one.
 */
export interface GuardianBranch {
  readonly threshold: number;
  /** The guardians' FROST group public key (hex), from their devices' DKG. */
  readonly groupKey: string;
  /** Sorted by authority. */
  readonly guardians: readonly Guardian[];
  /** How long a guardian waits after approving a recovery before it signs. */
  readonly delayMs: number;
}

/**
 * The internal commitment tree: a complete binary tree in heap layout. `leaves[i]` sits at node
 * `capacity + i`; node 1 is the root; a removed device leaves a blank (null) slot that a later AddLeaf reuses.
 */
export interface TreeState {
  readonly epoch: Epoch;
  readonly threshold: number;
  /**
   * The devices' FROST group public key (hex) from their DKG, set with a threshold ≥ 2: every op on a state
   * with one needs a consensus commit under it (attestation). Null at threshold 1.
   */
  readonly groupKey: string | null;
  readonly guardians: GuardianBranch | null;
  readonly leaves: readonly (Leaf | null)[];
  /** Node hashes, index 1..2·capacity−1 (index 0 unused). */
  readonly nodes: readonly Hash32[];
  readonly capacity: number;
  /** Root commitment; binds the previous commitment too, so no state ever recurs and ops cannot be replayed. */
  readonly commitment: Hash32;
}

/** The public view of an authority's tree (spec 003). */
export interface TreeStateSummary {
  readonly epoch: Epoch;
  readonly commitment: Hash32;
  readonly threshold: number;
  readonly deviceCount: number;
  readonly groupKey: string | null;
  readonly guardians: GuardianBranch | null;
}

export function deviceCount(s: TreeState): number {
  let n = 0;
  for (const l of s.leaves) if (l?.role === 'device') n++;
  return n;
}

export function summarize(s: TreeState): TreeStateSummary {
  return { epoch: s.epoch, commitment: s.commitment, threshold: s.threshold, deviceCount: deviceCount(s), groupKey: s.groupKey, guardians: s.guardians };
}

/** The device leaf of `device`, or −1 (a guardian is never one). */
export function leafIndexOf(s: TreeState, device: DeviceId): number {
  return s.leaves.findIndex((l) => l?.role === 'device' && l.device === device);
}

/** Devices currently in the tree, sorted. */
export function activeDevices(s: TreeState): DeviceId[] {
  return s.leaves.flatMap((l) => (l?.role === 'device' ? [l.device] : [])).sort();
}
