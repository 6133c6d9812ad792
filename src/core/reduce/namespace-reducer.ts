import { authorize } from '../authz/authorize.ts';
import { authzCanonical, hold, initAuthz, noteAuthorized, release, type AuthzCanonical, type AuthzState } from '../authz/state.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { agreementReducer } from './agreement.ts';
import { ceremoniesReducer } from './ceremonies.ts';
import { chatReducer } from './chat.ts';
import { groupsReducer } from './groups.ts';
import { guardiansReducer } from './guardians.ts';
import { maintenanceReducer } from './maintenance.ts';
import { proposalsReducer } from './proposals.ts';
import type { Reducer } from './reducer.ts';
import { relationalReducer } from './relational.ts';
import { treeReducer } from './tree/tree-reducer.ts';

/** Every reducer, by the part of the state it owns. Each one ignores the kinds it does not read. */
const PARTS = {
  tree: treeReducer,
  maintenance: maintenanceReducer,
  relational: relationalReducer,
  chat: chatReducer,
  proposals: proposalsReducer,
  ceremonies: ceremoniesReducer,
  groups: groupsReducer,
  guardians: guardiansReducer,
  agreement: agreementReducer,
} as const;

type Parts = typeof PARTS;
type PartName = keyof Parts;
const NAMES = Object.keys(PARTS).sort() as PartName[];

type PartStates = { [K in PartName]: Parts[K] extends Reducer<infer S, unknown> ? S : never };
type PartCanonicals = { [K in PartName]: Parts[K] extends Reducer<unknown, infer C> ? C : never };
export type NamespaceState = PartStates & { readonly authz: AuthzState };
export type NamespaceCanonical = PartCanonicals & { readonly authz: AuthzCanonical };

/**
 * Which parts read a kind, by its prefix: routing keeps apply cheap on the hot path. Proposals see every
 * counted fact because its time is evidence that a proposal has expired.
 */
const ROUTES: Record<string, readonly PartName[]> = {
  authority: ['tree', 'proposals'],
  tree: ['tree', 'proposals'],
  // Groups count them too: a handover changes the roster.
  maint: ['maintenance', 'proposals', 'groups'],
  // Agreement reads witness-key bindings: the group keys commits verify under.
  // Groups count bindings and proposals only to know when a roster must be folded again.
  rel: ['relational', 'proposals', 'agreement', 'groups'],
  amp: ['relational', 'proposals'],
  receipt: ['relational', 'proposals'],
  chat: ['chat', 'proposals'],
  // Display names are read by the node across namespaces; no reducer keeps them.
  profile: ['proposals'],
  proposal: ['proposals', 'groups'],
  group: ['groups', 'proposals'],
  ceremony: ['ceremonies', 'proposals'],
  // The tree reads commits too: in an authority journal they attest tree ops at t ≥ 2.
  consensus: ['agreement', 'proposals', 'tree'],
  guardian: ['guardians', 'proposals'],
  recovery: ['guardians', 'proposals'],
};

function applyParts(state: NamespaceState, fact: ValidatedFact): void {
  const kind = fact.fact.kind;
  const parts = ROUTES[kind.slice(0, kind.indexOf('.'))] ?? NAMES;
  for (const n of parts) (PARTS[n] as Reducer<unknown>).apply(state[n], fact);
}

/**
 * One namespace's whole reduced state: tree, maintenance, relational, chat, proposals, ceremonies, agreement,
 * behind the authorization gate (DESIGN §3). A fact counts only once `authorize` allows it: until then it is
 * held under what it waits for and judged again when a counted fact releases that key; a refused fact is
 * recorded and never applied. Authorization only grows with the fact set, so any arrival order ends with
 * the same facts counted, held and refused.
 */
export const namespaceReducer: Reducer<NamespaceState, NamespaceCanonical> = {
  init() {
    const s = { authz: initAuthz() } as Record<PartName | 'authz', unknown>;
    for (const n of NAMES) s[n] = PARTS[n].init();
    return s as NamespaceState;
  },
  apply(state, fact: ValidatedFact) {
    const queue = [fact];
    for (let f = queue.pop(); f !== undefined; f = queue.pop()) {
      const v = authorize(f, state);
      if (v.ok) {
        applyParts(state, f);
        const keys = noteAuthorized(state, f);
        if (state.authz.held.size > 0) for (const key of keys) queue.push(...release(state.authz, key));
      } else if ('wait' in v) hold(state.authz, v.wait, f);
      else state.authz.refused.set(f.id, v.refuse);
    }
  },
  canonical(state) {
    const c = { authz: authzCanonical(state.authz) } as Record<PartName | 'authz', unknown>;
    for (const n of NAMES) c[n] = (PARTS[n] as Reducer<unknown>).canonical(state[n]);
    return c as NamespaceCanonical;
  },
};
