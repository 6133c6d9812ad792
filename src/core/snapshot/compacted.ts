import { PROVISIONAL, type Agreement } from '../consistency/agreement.ts';
import { latestSnapshot } from '../reduce/maintenance.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { snapshotConsensusId } from './blob.ts';

/**
 * The agreement of a message a snapshot compacted (its fact pruned): Finalized by the consensus that signed the
 * latest snapshot, which covers every earlier one. Only a completed snapshot prunes, so one always exists.
 */
export function compactedAgreement(st: NamespaceState): Agreement {
  const latest = latestSnapshot(st.maintenance);
  return latest ? { level: 'Finalized', consensusId: snapshotConsensusId(latest.proposalId) } : PROVISIONAL;
}
