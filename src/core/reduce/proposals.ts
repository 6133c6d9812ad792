import { compareStrings } from '../compare.ts';
import { joinAgreement, type Agreement } from '../consistency/agreement.ts';
import type { ApprovalProgress, DeferredStatus, ProposalState } from '../consistency/deferred-status.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import type { AuthorityId, FactId, PhysicalTime, ProposalId } from '../ids.ts';
import { agreementOf, agreementReducer, type AgreementCanonical, type AgreementState } from './agreement.ts';
import { requiredApprovals } from './approval-rule.ts';
import { compareFacts } from './stamp.ts';
import { keepFirst } from './first-by-order.ts';
import type { Reducer } from './reducer.ts';

type Create = ValidatedFact<'proposal.create'>;
type Vote = ValidatedFact<'proposal.vote'>;

/**
 * Accumulated proposal facts of one namespace. Every field is a join-semilattice over the fact set
 * (max, min by fact order, union), so `apply` commutes; statuses are derived from it on demand.
 */
export interface ProposalsState {
  /** Largest HLC wall of any fact seen: the namespace's evidence of how late it is, used for expiry. */
  maxWall: PhysicalTime;
  readonly creates: Map<ProposalId, Create>;
  /** Latest create per subject by fact order: the proposal that supersedes every undecided earlier one. */
  readonly latestBySubject: Map<string, Create>;
  /** Each author's first vote per proposal by fact order; later votes never count. */
  readonly firstVotes: Map<ProposalId, Map<AuthorityId, Vote>>;
  /** Consensus commits and certificates, so an approved proposal can report Finalized. */
  readonly agreement: AgreementState;
}

export interface ProposalsCanonical {
  readonly maxWall: PhysicalTime;
  readonly creates: readonly FactId[];
  readonly firstVotes: readonly FactId[];
  readonly agreement: AgreementCanonical;
}

export const DEFAULT_REJECTION_REASON = 'rejected';
export const WITHDRAWN = 'withdrawn';

export const proposalsReducer: Reducer<ProposalsState, ProposalsCanonical> = {
  init: () => ({ maxWall: 0, creates: new Map(), latestBySubject: new Map(), firstVotes: new Map(), agreement: agreementReducer.init() }),
  apply(st, vf) {
    st.maxWall = Math.max(st.maxWall, vf.fact.time.wall);
    if (vf.fact.kind === 'proposal.create') {
      const c = vf as Create;
      st.creates.set(c.id, c);
      const latest = st.latestBySubject.get(c.fact.body.subject);
      if (latest === undefined || compareFacts(c, latest) > 0) st.latestBySubject.set(c.fact.body.subject, c);
    } else if (vf.fact.kind === 'proposal.vote') {
      const v = vf as Vote;
      const byVoter = st.firstVotes.get(v.fact.body.proposal) ?? new Map<AuthorityId, Vote>();
      keepFirst(byVoter, v.fact.author, v);
      st.firstVotes.set(v.fact.body.proposal, byVoter);
    } else {
      agreementReducer.apply(st.agreement, vf);
    }
  },
  canonical(st) {
    const votes = [...st.firstVotes.values()].flatMap((m) => [...m.values()].map((v) => v.id));
    return {
      maxWall: st.maxWall,
      creates: [...st.creates.keys()].sort(compareStrings),
      firstVotes: votes.sort(compareStrings),
      agreement: agreementReducer.canonical(st.agreement),
    };
  },
};

interface Tally {
  readonly progress: ApprovalProgress;
  /** The vote (or, for an unattainable rule, the create) at which the outcome became certain. */
  readonly decision: { readonly state: ProposalState; readonly fact: ValidatedFact } | null;
}

/**
 * Walks the counting votes in fact order; the first vote that makes approval certain or impossible decides. A
 * proposer withdraws its proposal by voting against it (there is no other withdraw fact): that decides too.
 */
function tally(st: ProposalsState, c: Create): Tally {
  const { voters, rule, expiresAt } = c.fact.body;
  const n = voters.length;
  const required = requiredApprovals(rule, n);
  const listed = new Set(voters);
  const votes = [...(st.firstVotes.get(c.id)?.values() ?? [])]
    .filter((v) => listed.has(v.fact.author) && v.fact.time.wall < expiresAt)
    .sort(compareFacts);
  const approvedBy: AuthorityId[] = [];
  const rejectedBy: AuthorityId[] = [];
  let decision: Tally['decision'] =
    required > n ? { state: { type: 'Rejected', reason: `unattainable rule: ${required} approvals required of ${n} voters`, by: c.fact.author }, fact: c } : null;
  for (const v of votes) {
    const { approve, reason } = v.fact.body;
    (approve ? approvedBy : rejectedBy).push(v.fact.author);
    if (decision !== null) continue;
    // The proposer voting no withdraws it, whatever the rule.
    if (!approve && v.fact.author === c.fact.author) decision = { state: { type: 'Rejected', reason: reason ?? WITHDRAWN, by: v.fact.author }, fact: v };
    else if (approvedBy.length >= required) decision = { state: { type: 'Approved' }, fact: v };
    else if (n - rejectedBy.length < required) {
      decision = { state: { type: 'Rejected', reason: reason ?? DEFAULT_REJECTION_REASON, by: v.fact.author }, fact: v };
    }
  }
  const voted = new Set([...approvedBy, ...rejectedBy]);
  const awaiting = voters.filter((a) => !voted.has(a));
  return { progress: { required, eligible: n, approvedBy, rejectedBy, awaiting }, decision };
}

/** Agreement of an approved proposal: the join of what covers the proposal and what covers its deciding vote. */
function appliedAgreement(st: ProposalsState, c: Create, decidedBy: ValidatedFact): Agreement {
  return joinAgreement(agreementOf(st.agreement, c.id), agreementOf(st.agreement, decidedBy.id));
}

function statusOf(st: ProposalsState, c: Create): DeferredStatus {
  const { progress, decision } = tally(st, c);
  const { subject, expiresAt } = c.fact.body;
  const base = { proposalId: c.id, approvals: progress, expiresAt };
  if (decision !== null) {
    const applied = decision.state.type === 'Approved' ? appliedAgreement(st, c, decision.fact) : null;
    return { ...base, state: decision.state, appliedAgreement: applied };
  }
  const latest = st.latestBySubject.get(subject)!;
  const state: ProposalState =
    latest.id !== c.id ? { type: 'Superseded', by: latest.id }
    : st.maxWall >= expiresAt ? { type: 'Expired' }
    : { type: 'Pending' };
  return { ...base, state, appliedAgreement: null };
}

/**
 * Status of one proposal, or null when its create fact is unknown here.
 * Precedence: Approved/Rejected (only votes before expiry count) > Superseded > Expired > Pending.
 * A rule needing more approvals than there are voters is Rejected at creation, by the proposer.
 */
export function deferredStatus(st: ProposalsState, proposalId: ProposalId): DeferredStatus | null {
  const c = st.creates.get(proposalId);
  return c === undefined ? null : statusOf(st, c);
}

/** Every known proposal's status, in creation order (order time, then FactId). */
export function listProposals(st: ProposalsState): DeferredStatus[] {
  return [...st.creates.values()].sort(compareFacts).map((c) => statusOf(st, c));
}

/** Approved proposals with the vote that decided each, in that vote's fact order: the order they apply in. */
export function approvedProposals(st: ProposalsState): { readonly create: Create; readonly decidedBy: ValidatedFact }[] {
  const out: { create: Create; decidedBy: ValidatedFact }[] = [];
  for (const c of st.creates.values()) {
    const d = tally(st, c).decision;
    if (d?.state.type === 'Approved') out.push({ create: c, decidedBy: d.fact });
  }
  return out.sort((a, b) => compareFacts(a.decidedBy, b.decidedBy));
}
