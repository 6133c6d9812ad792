import { journalOf, type AuthorityId, type ContextId, type DeviceId, type PhysicalTime } from '../../core/ids.ts';
import { authorityNamespace } from '../../core/ids.ts';
import type { GuardiansState } from '../../core/reduce/guardians.ts';
import type { NamespaceState } from '../../core/reduce/namespace-reducer.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import type { TreeState } from '../../core/reduce/tree/tree-state.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import type { NodeHost } from '../host/node-host.ts';

/** A contact's pairwise context and its reduced state: where guardian and recovery facts live. */
export interface Pair {
  readonly other: AuthorityId;
  readonly context: ContextId;
  readonly st: NamespaceState;
  readonly g: GuardiansState;
}

/** Every pair this device holds, by the other authority. */
export function pairs(host: NodeHost, contacts: ContactsModule): Map<AuthorityId, Pair> {
  const out = new Map<AuthorityId, Pair>();
  for (const c of contacts.contacts()) {
    const st = host.journals.get(journalOf(c.context))?.state;
    if (st) out.set(c.authority, { other: c.authority, context: c.context, st, g: st.guardians });
  }
  return out;
}

/** This authority's tree head, or null before an identity. */
export function ownHead(host: NodeHost): TreeState | null {
  const me = host.identity();
  const tree = me && host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
  return (tree && currentTree(tree)) ?? null;
}

/** Devices this authority's own tree re-admitted by a Recover op on its chain, with that op's fact time. */
export function ownRecoveries(host: NodeHost): Map<DeviceId, PhysicalTime> {
  const me = host.identity();
  const tree = me && host.journals.get(authorityNamespace(me.authorityId))?.state.tree;
  const out = new Map<DeviceId, PhysicalTime>();
  for (const id of tree?.applied ?? []) {
    const f = host.journals.fact(id);
    if (f?.fact.kind === 'tree.op' && (f.fact.body as { op: { type: string; device?: DeviceId } }).op.type === 'Recover') out.set((f.fact.body as { op: { device: DeviceId } }).op.device, f.fact.time.wall);
  }
  return out;
}
