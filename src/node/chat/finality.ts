import { participantIdFromString } from '../../core/crypto/frost.ts';
import type { Agreement } from '../../core/consistency/agreement.ts';
import type { AuthorityId } from '../../core/ids.ts';
import type { Journals } from '../journals.ts';
import type { FinalityDetails } from '../api.ts';
import type { NamespaceState } from '../../core/reduce/namespace-reducer.ts';

/**
 * What finalized a fact, for the details popover: the consensus, when its commit was written, and which
 * witnesses' shares it aggregates (their authorities, from the endorsements of the group key). Read from the
 * verified commit fact itself; null unless the fact is Finalized.
 */
export function finalityOf(journals: Journals, ns: string, st: NamespaceState, agreement: Agreement, nameOf: (a: AuthorityId) => string): FinalityDetails | null {
  if (agreement.level !== 'Finalized') return null;
  const journal = journals.get(ns as never);
  let commit = null;
  for (const f of journal?.facts.values() ?? []) {
    if (f.fact.kind === 'consensus.commit' && (f.fact.body as { consensusId: string }).consensusId === agreement.consensusId) commit = f;
  }
  if (!commit) return null;
  const signers = new Set((commit.fact.body as { signers: readonly string[] }).signers);
  const witnesses = new Set<string>();
  for (const rec of st.agreement.witnessKeys.records.values()) for (const [device, authority] of rec.by) if (signers.has(participantIdFromString(device))) witnesses.add(nameOf(authority));
  return { consensusId: agreement.consensusId, committedAt: commit.fact.time.wall, witnesses: [...witnesses].sort() };
}
