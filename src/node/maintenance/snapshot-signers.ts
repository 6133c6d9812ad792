import { commitDigest, commitVerifies } from '../../core/authz/consensus-commit.ts';
import { compareStrings } from '../../core/compare.ts';
import { participantIdFromString } from '../../core/crypto/frost.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { AuthorityId, DeviceId, FactId, Hash32, Namespace } from '../../core/ids.ts';
import { committedBy } from '../../core/reduce/agreement.ts';
import type { NamespaceState } from '../../core/reduce/namespace-reducer.ts';
import type { WitnessKey } from '../../core/reduce/witness-keys.ts';
import { snapshotConsensusId } from '../../core/snapshot/blob.ts';
import type { SnapshotSigners } from '../api-maintenance.ts';

type Commit = ValidatedFact<'consensus.commit'>;

/** What a journal offers: its namespace, facts and reduced state (a `LiveJournal`). */
export interface SignersSource {
  readonly ns: Namespace;
  readonly facts: ReadonlyMap<FactId, ValidatedFact>;
  readonly state: NamespaceState;
}

interface Found {
  readonly commit: Commit;
  readonly key: WitnessKey;
  readonly by: ReadonlyMap<DeviceId, AuthorityId>;
}

/** The commit and key found for a journal's latest snapshot: finding them scans the facts and verifies once. */
const found = new WeakMap<SignersSource, { readonly proposalId: string; readonly digest: Hash32; readonly found: Found }>();

/**
 * Which witnesses signed a completed snapshot (`snapshot:<proposalId>` over `digest`): the counted (verified,
 * winning) commit, the endorsed witness key its signature verifies under — its participants and threshold —
 * and, among them, those the commit lists as signers. The list is the aggregating witness's word (core does
 * not sign it, `consensus-commit.ts`); what the signature proves is that `threshold` of the witnesses signed.
 * Null when no counted commit or no endorsed key record is held for it.
 */
export function snapshotSigners(j: SignersSource, proposalId: string, digest: Hash32, nameOf: (a: AuthorityId) => string): SnapshotSigners | null {
  let hit = found.get(j);
  if (!hit || hit.proposalId !== proposalId || hit.digest !== digest) {
    const f = find(j, proposalId, digest);
    if (!f) return null;
    found.set(j, (hit = { proposalId, digest, found: f }));
  }
  const { commit, key, by } = hit.found;
  const listed = new Set(commit.fact.body.signers);
  const witnesses = key.participants.map((device) => {
    const authority = by.get(device)!;
    return { authority, device, name: nameOf(authority), signed: listed.has(participantIdFromString(device)) };
  });
  return { threshold: key.threshold, witnesses, committedAt: commit.fact.time.wall };
}

function find(j: SignersSource, proposalId: string, digest: Hash32): Found | null {
  const consensusId = snapshotConsensusId(proposalId);
  // At most one commit counts per (consensusId, prestate): the winner, the largest digest.
  const counted = committedBy(j.state.agreement, consensusId).filter((c) => c.prestateHash === digest);
  const winner = counted.reduce<string | null>((best, c) => (best === null || compareStrings(c.digest, best) > 0 ? c.digest : best), null);
  if (winner === null) return null;
  for (const f of j.facts.values()) {
    if (f.fact.kind !== 'consensus.commit') continue;
    const commit = f as Commit;
    const body = commit.fact.body;
    if (body.consensusId !== consensusId || body.prestateHash !== digest || commitDigest(j.ns, body) !== winner) continue;
    for (const rec of j.state.agreement.witnessKeys.records.values()) {
      const hex = toHex(rec.key.groupKey);
      if (j.state.agreement.witnessKeys.endorsed.includes(hex) && commitVerifies(j.ns, body, rec.key.groupKey)) return { commit, key: rec.key, by: rec.by };
    }
  }
  return null;
}
