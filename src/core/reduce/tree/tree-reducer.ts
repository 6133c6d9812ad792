import { compareStrings } from '../../compare.ts';
import { hashValue } from '../../crypto/hash.ts';
import type { ValidatedFact } from '../../facts/fact.ts';
import type { TreeOpKind } from '../../facts/kinds/tree.ts';
import { commitVerifies } from '../../authz/consensus-commit.ts';
import { fromHex } from '../../encoding/bytes.ts';
import { namespaceKind, type AuthorityId, type DeviceId, type FactId, type Hash32 } from '../../ids.ts';
import type { Reducer } from '../reducer.ts';
import { applyTreeOp } from './apply-op.ts';
import { buildTree } from './commitment.ts';
import { summarize, type Leaf, type TreeState, type TreeStateSummary } from './tree-state.ts';

interface Candidate {
  readonly id: FactId;
  /** H(op) over every op field, parent included: the max-hash conflict key of spec 003. */
  readonly hash: Hash32;
  readonly device: DeviceId;
  readonly op: TreeOpKind;
}

/**
 * Ops are grouped by the parent (epoch, commitment) they name. Every state reachable from genesis through
 * ops valid at their parent is computed once, when its parent becomes reachable. Starting from genesis,
 * the chain follows, at each state, the max-hash op of that state's group among those valid there. A late
 * op that beats an applied winner cuts the chain at its parent and the walk resumes from there, so
 * incremental and full reduction reach the same chain whatever the arrival order.
 */
export interface TreeReducerState {
  genesis: FactId | null;
  /** Known from the genesis: recoveries are signed over it. */
  authority: AuthorityId | null;
  readonly groups: Map<string, Candidate[]>;
  /** Reachable states by key, on the chain or not. */
  readonly reachable: Map<string, TreeState>;
  /** The state each op valid at its reachable parent leads to. */
  readonly next: Map<FactId, TreeState>;
  /**
   * Device leaves of every reachable state, in the order they became known: the authority's devices as
   * authorization judges them. Unlike the chain, this only grows with the fact set (guardians never count).
   */
  readonly devices: Set<DeviceId>;
  readonly chain: TreeState[];
  readonly applied: FactId[];
  readonly chainIndex: Map<string, number>;
  /** Each op by id, with the parent it names: a late attestation finds it here. */
  readonly candidates: Map<FactId, { readonly key: string; readonly c: Candidate }>;
  /** Consensus commits of this authority journal, by the op they cover: the attestations of ops at t ≥ 2. */
  readonly attestations: Map<FactId, ValidatedFact<'consensus.commit'>[]>;
}

export interface TreeCanonical {
  readonly summary: TreeStateSummary | null;
  readonly leaves: readonly (Leaf | null)[];
  readonly applied: readonly FactId[];
}

const parentKey = (epoch: number, commitment: Hash32) => `${epoch}:${commitment}`;
const keyOf = (s: TreeState) => parentKey(s.epoch, s.commitment);

function beats(a: Candidate, b: Candidate): boolean {
  const d = compareStrings(a.hash, b.hash) || compareStrings(a.id, b.id);
  return d > 0;
}

/**
 * At a threshold of 2 or more an op needs an attestation: a consensus commit covering it, over its parent
 * state (prestate = the parent's commitment), whose FROST signature verifies under the parent's group key.
 */
function attested(st: TreeReducerState, parent: TreeState, c: Candidate): boolean {
  // A recovery carries its own attestation, the guardians' (the devices that would attest it are lost).
  if (parent.threshold < 2 || c.op.type === 'Recover') return true;
  const id = c.id;
  const key = parent.groupKey === null ? null : fromHex(parent.groupKey);
  return key !== null && (st.attestations.get(id) ?? []).some((a) => a.fact.body.prestateHash === parent.commitment && commitVerifies(a.fact.ns, a.fact.body, key));
}

/** Where a candidate leads from its reachable parent, if it is valid (and, at t ≥ 2, attested) there. */
function step(st: TreeReducerState, parent: TreeState, c: Candidate): TreeState | null {
  if (!attested(st, parent, c) || st.authority === null) return null;
  const next = applyTreeOp(parent, c.device, c.op, st.authority);
  if (typeof next === 'string') return null;
  st.next.set(c.id, next);
  return next;
}

/** Records a reachable state and everything its waiting ops make reachable. */
function reach(st: TreeReducerState, from: TreeState): void {
  const queue = [from];
  for (let s = queue.pop(); s !== undefined; s = queue.pop()) {
    const key = keyOf(s);
    if (st.reachable.has(key)) continue;
    st.reachable.set(key, s);
    for (const leaf of s.leaves) if (leaf !== null && leaf.role === 'device') st.devices.add(leaf.device);
    for (const c of st.groups.get(key) ?? []) {
      const next = step(st, s, c);
      if (next) queue.push(next);
    }
  }
}

function truncate(st: TreeReducerState, index: number): void {
  for (let i = index + 1; i < st.chain.length; i++) st.chainIndex.delete(keyOf(st.chain[i]!));
  st.chain.length = index + 1;
  st.applied.length = index;
}

function walk(st: TreeReducerState, from: number): void {
  truncate(st, from);
  for (;;) {
    const head = st.chain[st.chain.length - 1]!;
    const group = st.groups.get(keyOf(head));
    if (!group) return;
    let best: { c: Candidate; next: TreeState } | null = null;
    for (const c of group) {
      if (best && !beats(c, best.c)) continue;
      const next = st.next.get(c.id);
      if (next) best = { c, next };
    }
    if (!best || st.chainIndex.has(keyOf(best.next))) return;
    st.applied.push(best.c.id);
    st.chainIndex.set(keyOf(best.next), st.chain.length);
    st.chain.push(best.next);
  }
}

function addOp(st: TreeReducerState, vf: ValidatedFact<'tree.op'>): void {
  const body = vf.fact.body;
  const c: Candidate = { id: vf.id, hash: hashValue('aura/tree/op', body), device: vf.fact.device, op: body.op };
  const key = parentKey(body.parentEpoch, body.parentCommitment);
  const group = st.groups.get(key);
  if (group) {
    if (group.some((g) => g.id === c.id)) return;
    group.push(c);
  } else st.groups.set(key, [c]);
  st.candidates.set(c.id, { key, c });
  consider(st, key, c);
}

/** A commit attests the ops it covers: each that now becomes valid at its reachable parent is considered. */
function addAttestation(st: TreeReducerState, vf: ValidatedFact<'consensus.commit'>): void {
  if (namespaceKind(vf.fact.ns) !== 'authority') return;
  for (const id of vf.fact.body.covers) {
    const list = st.attestations.get(id) ?? [];
    if (list.some((a) => a.id === vf.id)) continue;
    list.push(vf);
    st.attestations.set(id, list);
    const known = st.candidates.get(id);
    if (known && !st.next.has(id)) consider(st, known.key, known.c);
  }
}

/** A candidate whose parent may be reachable: step there, reach what it leads to, and re-walk the chain if it changes. */
function consider(st: TreeReducerState, key: string, c: Candidate): void {
  const group = st.groups.get(key);
  const parent = st.reachable.get(key);
  if (parent === undefined) return;
  const next = step(st, parent, c);
  if (next) reach(st, next);
  const at = st.chainIndex.get(key);
  if (at === undefined) return;
  if (at === st.chain.length - 1) return walk(st, at);
  const winner = group?.find((g) => g.id === st.applied[at]);
  if (winner && beats(c, winner) && next) walk(st, at);
}

function addGenesis(st: TreeReducerState, vf: ValidatedFact<'authority.genesis'>): void {
  // Every valid genesis of one namespace has the same body (the AuthorityId is its CID): the first is enough.
  if (st.genesis !== null) return;
  st.genesis = vf.id;
  st.authority = vf.fact.author;
  const root = buildTree(hashValue('aura/tree/genesis', vf.fact.author), 0, [{ device: vf.fact.body.device, role: 'device' }]);
  st.chain.push(root);
  st.chainIndex.set(keyOf(root), 0);
  reach(st, root);
  walk(st, 0);
}

export function currentTree(st: TreeReducerState): TreeState | null {
  return st.chain[st.chain.length - 1] ?? null;
}

export const treeReducer: Reducer<TreeReducerState, TreeCanonical> = {
  init: () => ({ genesis: null, authority: null, groups: new Map(), reachable: new Map(), next: new Map(), devices: new Set(), chain: [], applied: [], chainIndex: new Map(), candidates: new Map(), attestations: new Map() }),
  apply(st, vf) {
    if (vf.fact.kind === 'tree.op') addOp(st, vf as ValidatedFact<'tree.op'>);
    else if (vf.fact.kind === 'consensus.commit') addAttestation(st, vf as ValidatedFact<'consensus.commit'>);
    else if (vf.fact.kind === 'authority.genesis') addGenesis(st, vf as ValidatedFact<'authority.genesis'>);
  },
  canonical(st) {
    const head = currentTree(st);
    return { summary: head && summarize(head), leaves: head?.leaves ?? [], applied: st.applied.slice() };
  },
};

/** An op naming the current head as its parent that does not apply (yet): at t ≥ 2, one awaiting attestation. */
export interface WaitingOp {
  readonly id: FactId;
  readonly device: DeviceId;
  readonly op: TreeOpKind;
}

/** Ops on the head that would apply there but have not, sorted by id: what the devices' consensus still has to attest. */
export function waitingAtHead(st: TreeReducerState): WaitingOp[] {
  const head = currentTree(st);
  if (!head) return [];
  const group = st.groups.get(parentKey(head.epoch, head.commitment)) ?? [];
  const authority = st.authority;
  if (authority === null) return [];
  return group.filter((c) => !st.next.has(c.id) && typeof applyTreeOp(head, c.device, c.op, authority) !== 'string').map((c) => ({ id: c.id, device: c.device, op: c.op })).sort((a, b) => compareStrings(a.id, b.id));
}
