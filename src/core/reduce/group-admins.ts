import { hashValue } from '../crypto/hash.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { namespaceKind, type FactId, type Hash32, type Namespace } from '../ids.ts';
import type { NamespaceState } from './namespace-reducer.ts';
import { compareFacts } from './stamp.ts';

type Replacement = ValidatedFact<'maint.adminReplacement'>;

/**
 * A group's admin (the authority `rightsOf` grants the owner rights over every channel) holds an
 * *appointment*: the creator the one its context names (`genesisAppointment`), each successor the one the
 * replacement naming it made (`appointmentOf`). A replacement names, as its `prestate`, the appointment its
 * old admin holds, so "is the old admin the admin?" is a content check (monotone), never "who is admin now".
 */
export function genesisAppointment(ns: Namespace): Hash32 {
  return hashValue('aura/group/admin/genesis', ns);
}

export function appointmentOf(replacement: FactId): Hash32 {
  return hashValue('aura/group/admin/appointment', replacement);
}

/** The counted group replacement that made `appointment`, or undefined. */
export function appointingReplacement(st: NamespaceState, appointment: Hash32): Replacement | undefined {
  for (const r of st.maintenance.replacements.values()) if (appointmentOf(r.id) === appointment) return r;
  return undefined;
}

/**
 * The chain of handovers of a group's admin role, as a semilattice over the counted replacements: from the
 * genesis appointment, per appointment the first replacement naming it by fact order (`compareFacts`) is the
 * handover, whose appointment the next link names. A later replacement of the same appointment (the retired
 * admin naming someone else, or a second threshold decision) changes nothing; the chain is the same
 * whatever order the facts arrived in.
 */
export function adminChain(st: NamespaceState, ns: Namespace): Replacement[] {
  const byAppointment = new Map<Hash32, Replacement>();
  for (const r of st.maintenance.replacements.values()) {
    const kept = byAppointment.get(r.fact.body.prestate);
    if (kept === undefined || compareFacts(r, kept) < 0) byAppointment.set(r.fact.body.prestate, r);
  }
  const chain: Replacement[] = [];
  for (let next = byAppointment.get(genesisAppointment(ns)); next !== undefined && chain.length < byAppointment.size; next = byAppointment.get(appointmentOf(next.id))) chain.push(next);
  return chain;
}

/** Whether a counted replacement in this group named `who` its new admin (grows with the fact set). */
export function isAppointedAdmin(st: NamespaceState, who: string): boolean {
  if (st.maintenance.replacements.size === 0) return false;
  for (const r of st.maintenance.replacements.values()) if (r.fact.body.newAdmin === who && namespaceKind(r.fact.ns) === 'context') return true;
  return false;
}
