import type { ValidatedFact } from '../facts/fact.ts';
import type { ConsensusId, FactId, Hash32 } from '../ids.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { activeDevices, type TreeState } from '../reduce/tree/tree-state.ts';
import { ALLOW, refuse, wait, waitKey, type AuthzVerdict } from './verdict.ts';

type St = NamespaceState | undefined;
type Attested = 'maint.upgradeActivated' | 'maint.adminReplacement';

/** The consensus that attests a maintenance fact at t ≥ 2: one id per fact, so its witnesses agree on it. */
export function maintenanceConsensusId(f: FactId): ConsensusId {
  return `maint:${f}` as ConsensusId;
}

function stateAt(st: St, prestate: Hash32): TreeState | undefined {
  if (st === undefined) return undefined;
  for (const s of st.tree.reachable.values()) if (s.commitment === prestate) return s;
  return undefined;
}

/**
 * What attests a maintenance decision of the whole authority, judged by the tree state it names (never by
 * the current head, which a late op may move): at t = 1 the signature of a device of that state; at t ≥ 2 a
 * verified consensus commit over that state covering the fact (`treeAttestation` already checked its FROST
 * signature under the state's group key before it counted). Waiting, not refusing, while either may still arrive keeps the
 * rule monotone.
 */
export function attestedByAuthority(f: ValidatedFact<Attested>, st: St): AuthzVerdict {
  const state = stateAt(st, f.fact.body.prestate);
  if (state === undefined) return wait(waitKey.treeState(f.fact.body.prestate));
  if (state.groupKey === null) return activeDevices(state).includes(f.fact.device) ? ALLOW : refuse('NotADeviceOfState');
  const id = maintenanceConsensusId(f.id);
  // Counted commits of an authority journal, by the facts they cover (the tree keeps them as attestations).
  const attested = (st!.tree.attestations.get(f.id) ?? []).some((c) => c.fact.body.consensusId === id && c.fact.body.prestateHash === state.commitment);
  return attested ? ALLOW : wait(waitKey.consensus(id));
}

/**
 * An upgrade activation is the authority's decision (DESIGN §7, a ceremony): attested as above. That its
 * proposer runs the version is its own node's check; no receiver can verify a build.
 */
export const upgradeRule = attestedByAuthority;

/**
 * Admin replacement in an authority journal, whose admins are its devices (spec 004 §5): the admin it
 * retires hands over its own role with its signature alone; any other device's role is retired only by
 * the threshold — at t ≥ 2 the devices' consensus over the named state. At t = 1 one device may not retire
 * another (that would let any single device lock the others out).
 */
export function adminReplacementRule(f: ValidatedFact<'maint.adminReplacement'>, st: St): AuthzVerdict {
  if (f.fact.body.oldAdmin === f.fact.device) return ALLOW;
  const state = stateAt(st, f.fact.body.prestate);
  if (state === undefined) return wait(waitKey.treeState(f.fact.body.prestate));
  if (state.groupKey === null) return refuse('NotCurrentAdmin');
  return attestedByAuthority(f, st);
}

/** A maintenance fact waiting for the devices' commit over `prestate`: what the account's witnesses propose. */
export interface AwaitingAttestation {
  readonly id: FactId;
  readonly device: string;
  readonly consensusId: ConsensusId;
}

/** Held upgrade activations and admin replacements naming `prestate` that only the devices' commit can release, by id. */
export function awaitingAttestation(st: NamespaceState, prestate: Hash32): AwaitingAttestation[] {
  const out: AwaitingAttestation[] = [];
  for (const [key, facts] of st.authz.held) {
    for (const f of facts.values()) {
      if (f.fact.kind !== 'maint.upgradeActivated' && f.fact.kind !== 'maint.adminReplacement') continue;
      const consensusId = maintenanceConsensusId(f.id);
      if (key === waitKey.consensus(consensusId) && (f as ValidatedFact<Attested>).fact.body.prestate === prestate) out.push({ id: f.id, device: f.fact.device, consensusId });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
