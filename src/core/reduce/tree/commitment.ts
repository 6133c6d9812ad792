import { hashValue } from '../../crypto/hash.ts';
import type { Epoch, Hash32 } from '../../ids.ts';
import type { Leaf, TreeState } from './tree-state.ts';

/** Every hash is bound to the epoch, so RotateEpoch changes every commitment (spec 003). */
function leafHash(epoch: Epoch, leaf: Leaf | null): Hash32 {
  return leaf === null ? hashValue('aura/tree/blank', epoch) : hashValue('aura/tree/leaf', [epoch, leaf.device, leaf.role]);
}

function nodeHash(epoch: Epoch, left: Hash32, right: Hash32): Hash32 {
  return hashValue('aura/tree/node', [epoch, left, right]);
}

/** The group key is bound only once there is one, so states from before threshold policies keep their commitments. */
function rootCommitment(parent: Hash32, epoch: Epoch, threshold: number, capacity: number, root: Hash32, groupKey: string | null): Hash32 {
  return hashValue('aura/tree/root', groupKey === null ? [parent, epoch, threshold, capacity, root] : [parent, epoch, threshold, capacity, root, groupKey]);
}

function capacityFor(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/** Builds every node from scratch: used at genesis, on growth and on epoch rotation. */
export function buildTree(parent: Hash32, epoch: Epoch, threshold: number, leaves: readonly (Leaf | null)[], groupKey: string | null = null): TreeState {
  const capacity = capacityFor(leaves.length);
  const nodes: Hash32[] = new Array<Hash32>(2 * capacity);
  for (let i = 0; i < capacity; i++) nodes[capacity + i] = leafHash(epoch, leaves[i] ?? null);
  for (let i = capacity - 1; i >= 1; i--) nodes[i] = nodeHash(epoch, nodes[2 * i]!, nodes[2 * i + 1]!);
  nodes[0] = '';
  const root = nodes[1]!;
  return { epoch, threshold, groupKey, leaves, nodes, capacity, commitment: rootCommitment(parent, epoch, threshold, capacity, root, groupKey) };
}

/** Replaces one leaf and recomputes only the path from it to the root. */
export function setLeaf(s: TreeState, index: number, leaf: Leaf | null): TreeState {
  const leaves = s.leaves.slice();
  leaves[index] = leaf;
  if (index >= s.capacity) return buildTree(s.commitment, s.epoch, s.threshold, leaves, s.groupKey);
  const nodes = s.nodes.slice();
  let i = s.capacity + index;
  nodes[i] = leafHash(s.epoch, leaf);
  for (i >>= 1; i >= 1; i >>= 1) nodes[i] = nodeHash(s.epoch, nodes[2 * i]!, nodes[2 * i + 1]!);
  return { ...s, leaves, nodes, commitment: rootCommitment(s.commitment, s.epoch, s.threshold, s.capacity, nodes[1]!, s.groupKey) };
}

/** Changes only the policy (threshold and group key): the root commitment is recomputed, the node hashes stay. */
export function setPolicy(s: TreeState, threshold: number, groupKey: string | null): TreeState {
  return { ...s, threshold, groupKey, commitment: rootCommitment(s.commitment, s.epoch, threshold, s.capacity, s.nodes[1]!, groupKey) };
}
