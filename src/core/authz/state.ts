import { compareStrings } from '../compare.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { namespaceKind, type AuthorityId, type DeviceId, type FactId } from '../ids.ts';
import { waitKey, type AuthzRefusal } from './verdict.ts';
import { isMemberJoin } from './writer.ts';
import { appointmentOf } from '../reduce/group-admins.ts';
import { WITNESS_KEY_BINDING } from '../reduce/witness-keys.ts';

/**
 * What authorization knows of one namespace beyond the reducers' parts (an authority's devices are the tree
 * reducer's): the devices members proved, and the facts not (yet) authorized. Fed only authorized facts.
 */
export interface AuthzState {
  readonly members: Map<AuthorityId, Set<DeviceId>>;
  /** How many of the tree's devices have had their wait key released. */
  devicesReleased: number;
  /** How many of the tree's reachable states have had their wait key released. */
  statesReleased: number;
  /** Waiting facts by what they wait for: a fact is looked at again only when its key is released. */
  readonly held: Map<string, Map<FactId, ValidatedFact>>;
  readonly refused: Map<FactId, AuthzRefusal>;
}

export interface AuthzCanonical {
  readonly held: readonly (readonly [FactId, string])[];
  readonly refused: readonly (readonly [FactId, AuthzRefusal])[];
}

const NONE: readonly string[] = [];

export function initAuthz(): AuthzState {
  return { members: new Map(), devicesReleased: 0, statesReleased: 0, held: new Map(), refused: new Map() };
}

/** The tree's devices not released yet: a Set iterates in insertion order, so they are its tail. */
function newDevices(st: NamespaceState): string[] {
  const keys: string[] = [];
  let i = 0;
  for (const d of st.tree.devices) if (i++ >= st.authz.devicesReleased) keys.push(waitKey.device(d));
  st.authz.devicesReleased = i;
  let j = 0;
  for (const s of st.tree.reachable.values()) if (j++ >= st.authz.statesReleased) keys.push(waitKey.treeState(s.commitment));
  st.authz.statesReleased = j;
  return keys;
}

/** Records what an applied, authorized fact grants and returns the wait keys it satisfies. */
export function noteAuthorized(st: NamespaceState, f: ValidatedFact): readonly string[] {
  const { kind, author, device } = f.fact;
  switch (kind) {
    case 'rel.binding': {
      // A witness-key endorsement may complete a group key: commits waiting for one are judged again.
      if ((f as ValidatedFact<'rel.binding'>).fact.body.bindingType === WITNESS_KEY_BINDING) return [waitKey.groupKey];
      if (!isMemberJoin(f)) return NONE;
      let ds = st.authz.members.get(author);
      if (!ds) st.authz.members.set(author, (ds = new Set()));
      ds.add(device);
      return [waitKey.member(author, device)];
    }
    case 'authority.genesis':
    case 'tree.op':
      return newDevices(st);
    case 'chat.channel':
      return [waitKey.channel(f.id)];
    case 'proposal.create':
      return [waitKey.proposal(f.id)];
    case 'group.create':
      return [waitKey.group];
    case 'ceremony.start':
      return [waitKey.ceremony(f.id)];
    // Guardian answers, keys and device lists wait for their request under its ceremony id.
    case 'guardian.request':
      return [waitKey.ceremony((f as ValidatedFact<'guardian.request'>).fact.body.ceremony)];
    // A group handover makes its new admin's appointment (its own handovers wait for it) and rights (its settings).
    case 'maint.adminReplacement':
      if (namespaceKind(f.fact.ns) !== 'context') return NONE;
      return [waitKey.appointment(appointmentOf(f.id)), waitKey.admin((f as ValidatedFact<'maint.adminReplacement'>).fact.body.newAdmin as AuthorityId)];
    case 'consensus.commit':
      return [waitKey.consensus((f as ValidatedFact<'consensus.commit'>).fact.body.consensusId)];
    default:
      return NONE;
  }
}

export function hold(st: AuthzState, key: string, f: ValidatedFact): void {
  let waiting = st.held.get(key);
  if (!waiting) st.held.set(key, (waiting = new Map()));
  waiting.set(f.id, f);
}

/** Removes and returns the facts waiting for `key`, to be judged again. */
export function release(st: AuthzState, key: string): ValidatedFact[] {
  const waiting = st.held.get(key);
  if (!waiting) return [];
  st.held.delete(key);
  return [...waiting.values()];
}

export function authzCanonical(st: AuthzState): AuthzCanonical {
  const held = [...st.held].flatMap(([key, fs]) => [...fs.keys()].map((id) => [id, key] as const));
  return {
    held: held.sort((a, b) => compareStrings(a[0], b[0])),
    refused: [...st.refused].sort((a, b) => compareStrings(a[0], b[0])),
  };
}
