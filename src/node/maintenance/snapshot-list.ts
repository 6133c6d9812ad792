import type { AuthorityId } from '../../core/ids.ts';
import { namespaceId } from '../../core/ids.ts';
import { listChannels, messageCount } from '../../core/reduce/chat.ts';
import { latestSnapshot } from '../../core/reduce/maintenance.ts';
import type { StoredSnapshot } from '../../store/snapshots.ts';
import type { ContextSnapshots } from '../api-maintenance.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { LiveJournal } from '../journals.ts';
import { witnessesOf } from '../witness/checkpoint-module.ts';
import type { Proposal } from './snapshot-builds.ts';
import { snapshotSigners } from './snapshot-signers.ts';

/** A stored snapshot as the snapshots module keeps it: its size and the messages it covers, not its bytes. */
export type StoredSummary = Omit<StoredSnapshot, 'bytes'> & { readonly size: number; readonly covered: number };

export interface ListInputs {
  readonly stored: StoredSummary | undefined;
  readonly covered: (proposalId: string) => number;
  readonly pending: Proposal | null;
  readonly nameOf: (a: AuthorityId) => string;
}

/** One context's row on Maintenance → Snapshots: its latest snapshot, whether stored here, who signed it, what is pending. */
export function contextSnapshots(host: NodeHost, j: LiveJournal, inputs: ListInputs): ContextSnapshots {
  const context = namespaceId(j.ns);
  const latest = latestSnapshot(j.state.maintenance);
  const { stored, pending } = inputs;
  const completed = latest && j.facts.get(latest.fact);
  return {
    context,
    name: listChannels(j.state.chat).map((c) => `#${c.name}`).join(', ') || context.slice(0, 12),
    messages: messageCount(j.state.chat),
    facts: j.facts.size,
    latest: latest && {
      epoch: latest.snapshot.epoch,
      covered: inputs.covered(latest.proposalId),
      completedAt: completed?.fact.time.wall ?? 0,
      stored: stored?.blobCid === latest.snapshot.blobCid ? { bytes: stored.size, pruned: stored.pruned } : null,
      signers: snapshotSigners(j, latest.proposalId, latest.snapshot.digest, inputs.nameOf),
    },
    pending: pending && { epoch: pending.fact.body.targetEpoch, proposedAt: pending.fact.time.wall },
    canSnapshot: witnessesOf(host, context).length >= 2,
  };
}
