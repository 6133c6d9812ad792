import type { TreeOpKind } from '../../core/facts/kinds/tree.ts';
import type { BodyOf } from '../../core/facts/kinds/index.ts';
import { authorityNamespace, type Epoch, type FactId } from '../../core/ids.ts';
import { accountMembership, ACCOUNT_RIGHTS } from '../../core/reduce/membership.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';

/**
 * Writes a fact into this authority's own journal, shared by its devices: through the guarded write path,
 * announced on the account topic so the other devices hear of it at once.
 */
export async function writeAccountFact<K extends 'tree.op' | 'consensus.commit' | 'profile.name' | 'maint.upgradeActivated' | 'maint.cacheInvalidated'>(host: NodeHost, kind: K, body: BodyOf<K>): Promise<FactId> {
  const authority = host.requireIdentity().authorityId;
  const ns = authorityNamespace(authority);
  const fact = draft(host, ns, kind, body);
  const view = accountMembership(authority, host.journals.get(ns)!.state).view;
  await host.write({ context: authority, facts: [fact], membership: view, right: ACCOUNT_RIGHTS[0]!, announce: true });
  return fact.id;
}

/** A tree op on the current head (signed by this device; at t ≥ 2 it waits for the devices' attestation). */
export async function writeTreeOp(host: NodeHost, op: TreeOpKind): Promise<{ treeOp: FactId; epoch: Epoch }> {
  const head = currentTree(host.journals.get(authorityNamespace(host.requireIdentity().authorityId))!.state.tree)!;
  const treeOp = await writeAccountFact(host, 'tree.op', { parentEpoch: head.epoch, parentCommitment: head.commitment, op });
  return { treeOp, epoch: head.epoch };
}
