import type { ValidatedFact } from '../facts/fact.ts';
import { agreementReducer } from './agreement.ts';
import { ceremoniesReducer } from './ceremonies.ts';
import { chatReducer } from './chat.ts';
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
  agreement: agreementReducer,
} as const;

type Parts = typeof PARTS;
type PartName = keyof Parts;
const NAMES = Object.keys(PARTS).sort() as PartName[];

export type NamespaceState = { [K in PartName]: Parts[K] extends Reducer<infer S, unknown> ? S : never };
export type NamespaceCanonical = { [K in PartName]: Parts[K] extends Reducer<unknown, infer C> ? C : never };

/**
 * Which parts read a kind, by its prefix: routing keeps apply cheap on the hot path. Proposals see every
 * fact because any fact's time is evidence that a proposal has expired.
 */
const ROUTES: Record<string, readonly PartName[]> = {
  authority: ['tree', 'proposals'],
  tree: ['tree', 'proposals'],
  maint: ['maintenance', 'proposals'],
  rel: ['relational', 'proposals'],
  amp: ['relational', 'proposals'],
  receipt: ['relational', 'proposals'],
  chat: ['chat', 'proposals'],
  proposal: ['proposals'],
  ceremony: ['ceremonies', 'proposals'],
  consensus: ['agreement', 'proposals'],
};

/** One namespace's whole reduced state: tree, maintenance, relational, chat, proposals, ceremonies, agreement. */
export const namespaceReducer: Reducer<NamespaceState, NamespaceCanonical> = {
  init() {
    const s = {} as Record<PartName, unknown>;
    for (const n of NAMES) s[n] = PARTS[n].init();
    return s as NamespaceState;
  },
  apply(state, fact: ValidatedFact) {
    const kind = fact.fact.kind;
    const parts = ROUTES[kind.slice(0, kind.indexOf('.'))] ?? NAMES;
    for (const n of parts) (PARTS[n] as Reducer<unknown>).apply(state[n], fact);
  },
  canonical(state) {
    const c = {} as Record<PartName, unknown>;
    for (const n of NAMES) c[n] = (PARTS[n] as Reducer<unknown>).canonical(state[n]);
    return c as NamespaceCanonical;
  },
};
