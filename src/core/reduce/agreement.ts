import { compareStrings } from '../compare.ts';
import { joinAgreement, PROVISIONAL, type Agreement } from '../consistency/agreement.ts';
import { commitDigest, commitVerifies } from '../authz/consensus-commit.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { fromHex } from '../encoding/bytes.ts';
import { namespaceKind, type ConsensusId, type FactId, type Hash32 } from '../ids.ts';
import { initWitnessKeys, noteEndorsement, type WitnessKeysState } from './witness-keys.ts';
import type { Reducer } from './reducer.ts';

/** A consensus commit that verified, by what was signed rather than by the fact that carried it. */
export interface CountedCommit {
  readonly consensusId: ConsensusId;
  readonly prestateHash: Hash32;
  /** Sorted. */
  readonly covers: readonly FactId[];
  readonly digest: Hash32;
}

/**
 * Agreement levels from evidence facts: a consensus commit finalizes what it covers (A3) only if its
 * threshold signature verifies under the witness set's group key. At most one commit counts per
 * (consensusId, prestate): the max digest (spec 003's max-hash rule), so neither arrival order nor a
 * backdated copy can replace the winner; any other verified one is kept as evidence of equivocation.
 * Convergence certificates carry no witness shares yet, so nothing makes a fact SoftSafe (A2).
 */
export interface AgreementState {
  /** A group key given from outside the journal (tests of the rules); journals record theirs by endorsement. */
  readonly groupKey: Uint8Array | null;
  /** Witness group keys recorded by every participant's endorsement (`witness-keys.ts`). */
  readonly witnessKeys: WitnessKeysState;
  /** Commits no known key verifies yet: looked at again when a key becomes endorsed. */
  readonly unverified: Map<FactId, ValidatedFact<'consensus.commit'>>;
  /** Verified commits by consensusId, one per digest. */
  readonly commits: Map<ConsensusId, CountedCommit[]>;
  index: Map<FactId, Agreement> | null;
}

export interface AgreementCanonical {
  readonly levels: readonly (readonly [FactId, Agreement])[];
  readonly commits: readonly CountedCommit[];
  /** Verified commits that lost to another for the same (consensusId, prestate). */
  readonly conflicts: readonly CountedCommit[];
  /** Endorsed witness group keys (hex), sorted. */
  readonly keys: readonly string[];
}

export function initAgreement(groupKey: Uint8Array | null): AgreementState {
  return { groupKey, witnessKeys: initWitnessKeys(), unverified: new Map(), commits: new Map(), index: null };
}

/** Verified commits carrying this consensus id, any prestate. */
export function committedBy(st: AgreementState, consensusId: ConsensusId): readonly CountedCommit[] {
  return st.commits.get(consensusId) ?? [];
}

function isWinner(st: AgreementState, c: CountedCommit): boolean {
  return committedBy(st, c.consensusId).every((o) => o.prestateHash !== c.prestateHash || compareStrings(o.digest, c.digest) <= 0);
}

function all(st: AgreementState): CountedCommit[] {
  return [...st.commits.values()].flat().sort((a, b) => compareStrings(a.consensusId, b.consensusId) || compareStrings(a.prestateHash, b.prestateHash) || compareStrings(a.digest, b.digest));
}

function buildIndex(st: AgreementState): Map<FactId, Agreement> {
  const idx = new Map<FactId, Agreement>();
  for (const c of all(st)) {
    if (!isWinner(st, c)) continue;
    const level: Agreement = { level: 'Finalized', consensusId: c.consensusId };
    for (const id of c.covers) idx.set(id, joinAgreement(idx.get(id) ?? PROVISIONAL, level));
  }
  return idx;
}

export function agreementOf(st: AgreementState, id: FactId): Agreement {
  st.index ??= buildIndex(st);
  return st.index.get(id) ?? PROVISIONAL;
}

/** Every key a commit of this journal may verify under. */
export function groupKeys(st: AgreementState): Uint8Array[] {
  return [...(st.groupKey ? [st.groupKey] : []), ...st.witnessKeys.endorsed.map(fromHex)];
}

/** Counts a commit if some key verifies it; otherwise keeps it for a key endorsed later. */
function addCommit(st: AgreementState, vf: ValidatedFact<'consensus.commit'>): void {
  const { ns, body } = vf.fact;
  const digest = commitDigest(ns, body);
  const list = st.commits.get(body.consensusId) ?? [];
  // A copy of a counted commit adds nothing; checking first spares a signature verification.
  if (list.some((c) => c.digest === digest)) return;
  if (!groupKeys(st).some((k) => commitVerifies(ns, body, k))) {
    st.unverified.set(vf.id, vf);
    return;
  }
  st.unverified.delete(vf.id);
  list.push({ consensusId: body.consensusId, prestateHash: body.prestateHash, covers: [...body.covers].sort(compareStrings), digest });
  st.commits.set(body.consensusId, list);
  st.index = null;
}

export const agreementReducer: Reducer<AgreementState, AgreementCanonical> = {
  init: () => initAgreement(null),
  apply(st, vf) {
    if (vf.fact.kind === 'consensus.commit') return addCommit(st, vf as ValidatedFact<'consensus.commit'>);
    if (vf.fact.kind !== 'rel.binding' || namespaceKind(vf.fact.ns) !== 'context') return;
    if (noteEndorsement(st.witnessKeys, vf as ValidatedFact<'rel.binding'>) === null) return;
    for (const waiting of [...st.unverified.values()].sort((a, b) => compareStrings(a.id, b.id))) addCommit(st, waiting);
  },
  canonical(st) {
    st.index ??= buildIndex(st);
    const levels = [...st.index.entries()].sort((a, b) => compareStrings(a[0], b[0]));
    const commits = all(st);
    const keys = [...st.witnessKeys.endorsed].sort(compareStrings);
    return { levels, commits: commits.filter((c) => isWinner(st, c)), conflicts: commits.filter((c) => !isWinner(st, c)), keys };
  },
};
