import { compareStrings } from '../compare.ts';
import type { CeremonyState, CeremonyStatus, ParticipantResponse } from '../consistency/ceremony-status.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, CeremonyId, ConsensusId, FactId } from '../ids.ts';
import { compareFacts } from './stamp.ts';
import { keepFirst } from './first-by-order.ts';
import type { Reducer } from './reducer.ts';

type Start = ValidatedFact<'ceremony.start'>;
type Response = ValidatedFact<'ceremony.response'>;
type Commit = ValidatedFact<'ceremony.commit'>;
type Abort = ValidatedFact<'ceremony.abort'>;
type Supersede = ValidatedFact<'ceremony.supersede'>;

/** Why a start fact produced no ceremony. */
export type InvalidCeremonyReason = {
  readonly code: 'ThresholdExceedsParticipants';
  readonly threshold: number;
  readonly participants: number;
};

export interface InvalidCeremony {
  readonly startFact: FactId;
  readonly reason: InvalidCeremonyReason;
}

/**
 * A valid commit that was not applied: a second commit naming another consensus for the same
 * (ceremony, prestate), or a commit ordered after the ceremony had already aborted or been superseded.
 */
export interface CommitConflict {
  readonly ceremonyId: CeremonyId;
  readonly commit: FactId;
  readonly consensusId: ConsensusId;
  readonly reason: 'ConflictingCommit' | 'CommitAfterTerminal';
}

/**
 * Accumulated ceremony facts of one namespace, as order-independent joins (set union, first by fact
 * order). Commits are all kept because whether one counts depends on the responses ordered before it.
 * Aborts and supersessions are kept first per author: who may write them (the ceremony's parties) is
 * known only once the start arrives, so a stranger's earlier step must not hide a party's.
 */
export interface CeremoniesState {
  readonly ceremonies: Map<CeremonyId, Start>;
  readonly invalid: Map<FactId, InvalidCeremony>;
  readonly firstResponses: Map<CeremonyId, Map<AuthorityId, Response>>;
  readonly commits: Map<CeremonyId, Map<FactId, Commit>>;
  readonly firstAborts: Map<CeremonyId, Map<AuthorityId, Abort>>;
  readonly firstSupersessions: Map<CeremonyId, Map<AuthorityId, Supersede>>;
}

export interface CeremoniesCanonical {
  readonly ceremonies: readonly CeremonyId[];
  readonly invalid: readonly InvalidCeremony[];
  readonly firstResponses: readonly FactId[];
  readonly commits: readonly FactId[];
  readonly firstAborts: readonly FactId[];
  readonly firstSupersessions: readonly FactId[];
}

export const INSUFFICIENT_PARTICIPANTS = 'insufficient participants';

function nested<V>(m: Map<CeremonyId, Map<string, V>>, id: CeremonyId): Map<string, V> {
  let inner = m.get(id);
  if (inner === undefined) m.set(id, (inner = new Map()));
  return inner;
}

const sortedIds = (fs: Iterable<ValidatedFact>): FactId[] => [...fs].map((f) => f.id).sort(compareStrings);
const flat = <F>(m: Map<CeremonyId, Map<string, F>>): F[] => [...m.values()].flatMap((inner) => [...inner.values()]);

/** The initiator (author of the start) and the participants: the only authorities whose steps count. */
export function isCeremonyParty(start: Start, authority: AuthorityId): boolean {
  return start.fact.author === authority || start.fact.body.participants.includes(authority);
}

/** The earliest fact by a party, by fact order. */
function firstByParty<F extends ValidatedFact>(s: Start, fs: Iterable<F> | undefined): F | undefined {
  let first: F | undefined;
  for (const f of fs ?? []) if (isCeremonyParty(s, f.fact.author) && (first === undefined || compareFacts(f, first) < 0)) first = f;
  return first;
}

export const ceremoniesReducer: Reducer<CeremoniesState, CeremoniesCanonical> = {
  init: () => ({
    ceremonies: new Map(),
    invalid: new Map(),
    firstResponses: new Map(),
    commits: new Map(),
    firstAborts: new Map(),
    firstSupersessions: new Map(),
  }),
  apply(st, vf) {
    switch (vf.fact.kind) {
      case 'ceremony.start': {
        const s = vf as Start;
        const { threshold, participants } = s.fact.body;
        // k <= n, or no set of responses could ever commit it.
        if (threshold > participants.length) {
          st.invalid.set(s.id, { startFact: s.id, reason: { code: 'ThresholdExceedsParticipants', threshold, participants: participants.length } });
        } else st.ceremonies.set(s.id, s);
        return;
      }
      case 'ceremony.response': {
        const r = vf as Response;
        keepFirst(nested(st.firstResponses, r.fact.body.ceremony), r.fact.author, r);
        return;
      }
      case 'ceremony.commit': {
        const c = vf as Commit;
        nested(st.commits, c.fact.body.ceremony).set(c.id, c);
        return;
      }
      case 'ceremony.abort':
        keepFirst(nested(st.firstAborts, (vf as Abort).fact.body.ceremony), vf.fact.author, vf as Abort);
        return;
      case 'ceremony.supersede':
        keepFirst(nested(st.firstSupersessions, (vf as Supersede).fact.body.ceremony), vf.fact.author, vf as Supersede);
        return;
    }
  },
  canonical(st) {
    return {
      ceremonies: [...st.ceremonies.keys()].sort(compareStrings),
      invalid: invalidCeremonies(st),
      firstResponses: sortedIds(flat(st.firstResponses)),
      commits: sortedIds(flat(st.commits)),
      firstAborts: sortedIds(flat(st.firstAborts)),
      firstSupersessions: sortedIds(flat(st.firstSupersessions)),
    };
  },
};

/** A fact that ends a ceremony. The first one by fact order wins, so no ceremony both commits and aborts. */
type Terminal =
  | { readonly kind: 'commit'; readonly fact: Commit }
  | { readonly kind: 'abort'; readonly fact: Abort }
  | { readonly kind: 'supersede'; readonly fact: Supersede }
  | { readonly kind: 'insufficient'; readonly fact: Response };

interface Resolution {
  readonly status: CeremonyStatus;
  readonly conflicts: CommitConflict[];
}

function resolve(st: CeremoniesState, s: Start): Resolution {
  const { participants, threshold: k, prestateHash, pendingEpoch } = s.fact.body;
  const n = participants.length;
  const given = st.firstResponses.get(s.id);
  const members = new Set(participants);
  const responses = [...(given?.values() ?? [])].filter((r) => members.has(r.fact.author)).sort(compareFacts);
  const accepts = responses.filter((r) => r.fact.body.accept);

  // A commit counts only from a party, and only if k acceptances precede it: it must rest on responses its
  // author could have seen.
  const validCommits = [...(st.commits.get(s.id)?.values() ?? [])]
    .filter((c) => isCeremonyParty(s, c.fact.author) && accepts.filter((r) => compareFacts(r, c) < 0).length >= k)
    .sort(compareFacts);
  const candidates: Terminal[] = [];
  if (validCommits[0]) candidates.push({ kind: 'commit', fact: validCommits[0] });
  const abort = firstByParty(s, st.firstAborts.get(s.id)?.values());
  if (abort) candidates.push({ kind: 'abort', fact: abort });
  const supersede = firstByParty(s, st.firstSupersessions.get(s.id)?.values());
  if (supersede) candidates.push({ kind: 'supersede', fact: supersede });
  let rejected = 0;
  for (const r of responses) {
    if (!r.fact.body.accept && ++rejected > n - k) {
      candidates.push({ kind: 'insufficient', fact: r });
      break;
    }
  }
  const winner = candidates.sort((a, b) => compareFacts(a.fact, b.fact))[0];

  const conflicts: CommitConflict[] = validCommits
    .filter((c) => c !== winner?.fact && !(winner?.kind === 'commit' && c.fact.body.consensusId === winner.fact.fact.body.consensusId))
    .map((c) => ({
      ceremonyId: s.id,
      commit: c.id,
      consensusId: c.fact.body.consensusId,
      reason: winner?.kind === 'commit' ? 'ConflictingCommit' : 'CommitAfterTerminal',
    }));

  const state: CeremonyState =
    winner?.kind === 'commit' ? { type: 'Committed', consensusId: winner.fact.fact.body.consensusId, committedAt: winner.fact.fact.time.wall }
    : winner?.kind === 'abort' ? { type: 'Aborted', reason: winner.fact.fact.body.reason, abortedAt: winner.fact.fact.time.wall }
    : winner?.kind === 'supersede' ? { type: 'Superseded', by: winner.fact.fact.body.by, reason: winner.fact.fact.body.reason }
    : winner?.kind === 'insufficient' ? { type: 'Aborted', reason: INSUFFICIENT_PARTICIPANTS, abortedAt: winner.fact.fact.time.wall }
    : accepts.length >= k ? { type: 'Committing' }
    : pendingEpoch !== undefined ? { type: 'PendingEpoch', pendingEpoch, requiredResponses: k, receivedResponses: accepts.length }
    : { type: 'Preparing' };

  const responseList: ParticipantResponse[] = participants.map((p) => {
    const r = given?.get(p);
    return r === undefined ?
        { participant: p, response: 'Pending', respondedAt: null }
      : { participant: p, response: r.fact.body.accept ? 'Accepted' : 'Rejected', respondedAt: r.fact.time.wall };
  });
  const committedAgreement = state.type === 'Committed' ? { level: 'Finalized' as const, consensusId: state.consensusId } : null;
  return { status: { ceremonyId: s.id, state, responses: responseList, threshold: k, prestateHash, committedAgreement }, conflicts };
}

/** Status of one ceremony, or null when its start fact is unknown here or was invalid. */
export function ceremonyStatus(st: CeremoniesState, id: CeremonyId): CeremonyStatus | null {
  const s = st.ceremonies.get(id);
  return s === undefined ? null : resolve(st, s).status;
}

/** Every valid ceremony's status, in start order (order time, then FactId). */
export function listCeremonies(st: CeremoniesState): CeremonyStatus[] {
  return [...st.ceremonies.values()].sort(compareFacts).map((s) => resolve(st, s).status);
}

/** Valid commits that were not applied, by ceremony start order then commit fact order. */
export function ceremonyConflicts(st: CeremoniesState): CommitConflict[] {
  return [...st.ceremonies.values()].sort(compareFacts).flatMap((s) => resolve(st, s).conflicts);
}

/** Start facts rejected because k > n, sorted by FactId. */
export function invalidCeremonies(st: CeremoniesState): InvalidCeremony[] {
  return [...st.invalid.values()].sort((a, b) => compareStrings(a.startFact, b.startFact));
}
