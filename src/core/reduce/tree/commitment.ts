import { hashValue } from '../../crypto/hash.ts';
import type { Epoch, Hash32 } from '../../ids.ts';
import type { GuardianBranch, Leaf, TreeState } from './tree-state.ts';

/** Every hash is bound to the epoch, so RotateEpoch changes every commitment (spec 003). */
function leafHash(epoch: Epoch, leaf: Leaf | null): Hash32 {
  return leaf === null ? hashValue('aura/tree/blank', epoch) : hashValue('aura/tree/leaf', [epoch, leaf.device, leaf.role]);
}

function nodeHash(epoch: Epoch, left: Hash32, right: Hash32): Hash32 {
  return hashValue('aura/tree/node', [epoch, left, right]);
}

/** The policy beside the leaves: the devices' group key and the guardian branch. */
interface Policy {
  readonly threshold: number;
  readonly groupKey: string | null;
  readonly guardians: GuardianBranch | null;
}

/**
 * The group key and the guardian branch are bound only once there is one, so states from before threshold
 * policies (or guardians) keep their commitments.
 */
function rootCommitment(parent: Hash32, epoch: Epoch, p: Policy, capacity: number, root: Hash32): Hash32 {
  const base: unknown[] = [parent, epoch, p.threshold, capacity, root];
  if (p.groupKey !== null) base.push(p.groupKey);
  if (p.guardians !== null) base.push(hashValue('aura/tree/guardians', p.guardians));
  return hashValue('aura/tree/root', base);
}

function capacityFor(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/** Builds every node from scratch: used at genesis, on growth and on epoch rotation. */
export function buildTree(parent: Hash32, epoch: Epoch, leaves: readonly (Leaf | null)[], policy: Policy = { threshold: 1, groupKey: null, guardians: null }): TreeState {
  const capacity = capacityFor(leaves.length);
  const nodes: Hash32[] = new Array<Hash32>(2 * capacity);
  for (let i = 0; i < capacity; i++) nodes[capacity + i] = leafHash(epoch, leaves[i] ?? null);
  for (let i = capacity - 1; i >= 1; i--) nodes[i] = nodeHash(epoch, nodes[2 * i]!, nodes[2 * i + 1]!);
  nodes[0] = '';
  const root = nodes[1]!;
  const { threshold, groupKey, guardians } = policy;
  return { epoch, threshold, groupKey, guardians, leaves, nodes, capacity, commitment: rootCommitment(parent, epoch, policy, capacity, root) };
}

/** Replaces one leaf and recomputes only the path from it to the root. */
export function setLeaf(s: TreeState, index: number, leaf: Leaf | null): TreeState {
  const leaves = s.leaves.slice();
  leaves[index] = leaf;
  if (index >= s.capacity) return buildTree(s.commitment, s.epoch, leaves, s);
  const nodes = s.nodes.slice();
  let i = s.capacity + index;
  nodes[i] = leafHash(s.epoch, leaf);
  for (i >>= 1; i >= 1; i >>= 1) nodes[i] = nodeHash(s.epoch, nodes[2 * i]!, nodes[2 * i + 1]!);
  return { ...s, leaves, nodes, commitment: rootCommitment(s.commitment, s.epoch, s, s.capacity, nodes[1]!) };
}

/** Changes only the policy (threshold, group key, guardians): the root commitment is recomputed, the node hashes stay. */
export function setPolicy(s: TreeState, change: Partial<Policy>): TreeState {
  const next = { ...s, ...change };
  return { ...next, commitment: rootCommitment(s.commitment, s.epoch, next, s.capacity, s.nodes[1]!) };
}
