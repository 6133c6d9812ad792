import { compareStrings } from '../compare.ts';
import type { CeremonyStatus } from '../consistency/ceremony-status.ts';
import { hashValue } from '../crypto/hash.ts';
import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import { compareOrderTime, type OrderTime } from '../facts/hlc.ts';
import { GROUP_OPERATIONS, type GroupCreated, type GroupOperation, type GroupRole } from '../facts/kinds/groups.ts';
import type { AuthorityId, ChannelId, FactId, ProposalId } from '../ids.ts';
import { agreementOf } from './agreement.ts';
import { adminChain } from './group-admins.ts';
import type { NamespaceState } from './namespace-reducer.ts';
import { approvedProposals } from './proposals.ts';
import { compareFacts } from './stamp.ts';

type Create = ValidatedFact<'proposal.create'>;

/** What became of an approved proposal: applied, or ignored because the roster had moved on (`why`). */
export type Outcome = { readonly applied: true; readonly at: OrderTime } | { readonly applied: false; readonly why: string };

/** A group as its facts say, folded in fact order (DESIGN §7). */
export interface GroupRoster {
  readonly createFact: FactId;
  readonly creator: AuthorityId;
  readonly name: string;
  readonly rules: GroupCreated['rules'];
  readonly ceremony: CeremonyStatus;
  /** Current members and their roles (the creator and every invitee that accepted, less those removed). */
  readonly roles: ReadonlyMap<AuthorityId, GroupRole>;
  /** Removed members, with the time of the vote that removed each: their facts from then on do not count. */
  readonly removed: ReadonlyMap<AuthorityId, OrderTime>;
  /** Archived channels, with the time of the deciding vote: read-only from then on. */
  readonly archived: ReadonlyMap<ChannelId, OrderTime>;
  readonly outcomes: ReadonlyMap<ProposalId, Outcome>;
  /** The context key epoch: one per removal. */
  readonly epoch: number;
  /** Per epoch ≥ 1, the key fact that counts (the first by fact order from a member after that removal), or null. */
  readonly rekeys: readonly (ValidatedFact<'group.rekey'> | null)[];
  /** The admin handovers in effect, in chain order, each from the order time it holds (`adminChain`). */
  readonly handovers: readonly Handover[];
}

/** One link of the admin chain in effect: `from` is admin no more from `at` on, `to` is. */
export interface Handover {
  readonly fact: FactId;
  readonly from: AuthorityId;
  readonly to: AuthorityId;
  readonly at: OrderTime;
}

/** The subject a proposal of `operation` names (a later proposal on it supersedes an undecided earlier one). */
export function proposalSubject(operation: GroupOperation, args: readonly string[]): string {
  return operation === 'archive-channel' ? `channel:${args[0]}` : operation === 'transfer-ownership' ? 'ownership' : `member:${args[0]}`;
}

/** The voters a proposal must list: every current member but the one it is about. */
export function requiredVoters(roles: ReadonlyMap<AuthorityId, GroupRole>, operation: GroupOperation, args: readonly string[]): AuthorityId[] {
  const about = operation === 'archive-channel' ? null : args[0];
  return [...roles.keys()].filter((a) => a !== about).sort(compareStrings);
}

const memo = new WeakMap<NamespaceState, { key: string; roster: GroupRoster | null }>();

/** The group of a group context, or null while its genesis is not here (memoised per state until it changes). */
export function groupRoster(st: NamespaceState): GroupRoster | null {
  // The fold reads group, proposal and binding facts (counted in `seen`) and, for expiry, the latest fact time.
  const key = `${st.groups.seen}/${st.proposals.maxWall}`;
  const hit = memo.get(st);
  if (hit?.key === key) return hit.roster;
  const roster = fold(st);
  memo.set(st, { key, roster });
  return roster;
}

function fold(st: NamespaceState): GroupRoster | null {
  const create = st.groups.create.get('');
  if (!create) return null;
  const body = create.fact.body;
  const ceremony = ceremonyOf(st, create);
  const roles = new Map<AuthorityId, GroupRole>([[create.fact.author, 'owner']]);
  for (const r of ceremony.responses) if (r.response === 'Accepted') roles.set(r.participant, 'member');
  const removed = new Map<AuthorityId, OrderTime>();
  const archived = new Map<ChannelId, OrderTime>();
  const outcomes = new Map<ProposalId, Outcome>();
  const removals: OrderTime[] = [];
  const chain = adminChain(st, create.fact.ns);
  const handovers: Handover[] = [];
  /**
   * A handover holds from the latest of its own order time, the deciding vote of the removal that brought the
   * group to its activation epoch, and the link before it; applied in the roster's timeline so proposals after
   * it see the new roles: the old admin keeps membership as a member, the new one takes its role.
   */
  const activate = (before: OrderTime | null) => {
    for (let r = chain[handovers.length]; r !== undefined; r = chain[handovers.length]) {
      const { oldAdmin, newAdmin, activationEpoch } = r.fact.body;
      if (activationEpoch > removals.length) return;
      const at = later(later(orderTimeOf(r.fact), removals[activationEpoch - 1]), handovers.at(-1)?.at);
      if (before !== null && compareOrderTime(at, before) >= 0) return;
      handovers.push({ fact: r.id, from: oldAdmin, to: newAdmin, at });
      const role = roles.get(oldAdmin);
      if (role !== undefined) roles.set(oldAdmin, 'member');
      if (roles.has(newAdmin)) roles.set(newAdmin, role === 'owner' || roles.get(newAdmin) === 'owner' ? 'owner' : 'admin');
    }
  };
  for (const { create: p, decidedBy } of approvedProposals(st.proposals)) {
    activate(orderTimeOf(decidedBy.fact));
    const why = check(p, roles, body.rules);
    if (why !== null) {
      outcomes.set(p.id, { applied: false, why });
      continue;
    }
    const [who, role] = p.fact.body.args as [string, string | undefined];
    switch (p.fact.body.operation as GroupOperation) {
      case 'remove-member':
        roles.delete(who);
        removed.set(who, orderTimeOf(decidedBy.fact));
        removals.push(orderTimeOf(decidedBy.fact));
        break;
      case 'set-role':
        roles.set(who, role as GroupRole);
        break;
      case 'transfer-ownership':
        for (const [a, r] of roles) if (r === 'owner') roles.set(a, 'admin');
        roles.set(who, 'owner');
        break;
      case 'archive-channel':
        if (!archived.has(who)) archived.set(who, orderTimeOf(decidedBy.fact));
        break;
    }
    outcomes.set(p.id, { applied: true, at: orderTimeOf(decidedBy.fact) });
  }
  activate(null);
  return { createFact: create.id, creator: create.fact.author, name: body.name, rules: body.rules, ceremony, roles, removed, archived, outcomes, epoch: removals.length, rekeys: rekeysOf(st, roles, removals), handovers };
}

/**
 * `who`'s standing as the group's admin at `time` (null: now, after every handover in effect): whether it holds
 * the role then, and whether a handover in effect by then retired it (it may hold it again since).
 */
export function adminStanding(r: GroupRoster, who: AuthorityId, time: OrderTime | null): { readonly holds: boolean; readonly retired: boolean } {
  let holds = r.creator === who;
  let retired = false;
  for (const h of r.handovers) {
    if (time !== null && compareOrderTime(h.at, time) > 0) break;
    if (h.from === who) [holds, retired] = [false, true];
    if (h.to === who) holds = true;
  }
  return { holds, retired };
}

/** The group's admin now: the creator, or the last handover's new admin. */
export function currentAdmin(r: GroupRoster): AuthorityId {
  return r.handovers.at(-1)?.to ?? r.creator;
}

const later = (x: OrderTime, y: OrderTime | undefined): OrderTime => (y !== undefined && compareOrderTime(y, x) > 0 ? y : x);

/** Why an approved proposal cannot apply to the roster as it stands, or null when it can. */
function check(p: Create, roles: ReadonlyMap<AuthorityId, GroupRole>, rules: GroupCreated['rules']): string | null {
  const { operation, args, rule, voters } = p.fact.body;
  if (!(GROUP_OPERATIONS as readonly string[]).includes(operation)) return 'not a group operation';
  const op = operation as GroupOperation;
  if (hashValue('rule', rule) !== hashValue('rule', rules[op])) return "not the group's rule for it";
  if (!roles.has(p.fact.author)) return 'proposed by a non-member';
  if (p.fact.body.subject !== proposalSubject(op, args)) return 'wrong subject';
  const want = requiredVoters(roles, op, args);
  if (voters.length !== want.length || [...voters].sort(compareStrings).some((v, i) => v !== want[i])) return 'the members changed since it was proposed';
  const [who, role] = args;
  if (op !== 'archive-channel' && (who === undefined || !roles.has(who))) return 'not a member';
  if (op === 'remove-member' && roles.get(who!) === 'owner') return 'the owner cannot be removed';
  if (op === 'set-role' && role !== 'admin' && role !== 'member') return 'not a role';
  if (op === 'set-role' && roles.get(who!) === 'owner') return "the owner's role changes only by a transfer";
  return null;
}

/** The key of each epoch: the first rekey by fact order written after that removal by a member who remains. */
function rekeysOf(st: NamespaceState, roles: ReadonlyMap<AuthorityId, GroupRole>, removals: readonly OrderTime[]): (ValidatedFact<'group.rekey'> | null)[] {
  return removals.map((at, i) => {
    const candidates = [...(st.groups.rekeys.get(i + 1)?.values() ?? [])].filter((r) => roles.has(r.fact.author) && compareOrderTime(orderTimeOf(r.fact), at) > 0);
    return candidates.sort(compareFacts)[0] ?? null;
  });
}

/** The creation ceremony: k of n invitees accept (with their self-join) before `respondBy`, else it aborts. */
function ceremonyOf(st: NamespaceState, create: ValidatedFact<'group.create'>): CeremonyStatus {
  const { invitees, threshold, respondBy } = create.fact.body;
  const answers = invitees.map((a) => ({ a, r: st.groups.responses.get(a) })).map(({ a, r }) => ({ a, r: r && st.authz.members.has(a) && r.fact.time.wall < respondBy ? r : undefined }));
  const accepts = answers.flatMap(({ r }) => (r?.fact.body.accept ? [r] : [])).sort(compareFacts);
  const declined = answers.filter(({ r }) => r && !r.fact.body.accept);
  const responses = answers.map(({ a, r }) => ({ participant: a, response: r === undefined ? ('Pending' as const) : r.fact.body.accept ? ('Accepted' as const) : ('Rejected' as const), respondedAt: r?.fact.time.wall ?? null }));
  const base = { ceremonyId: create.id, responses, threshold, prestateHash: hashValue('aura/group/create', create.id) };
  const kth = accepts[threshold - 1];
  if (kth) return { ...base, state: { type: 'Committed', consensusId: `group:${create.id}`, committedAt: kth.fact.time.wall }, committedAgreement: agreementOf(st.agreement, create.id) };
  if (invitees.length - declined.length < threshold) {
    const last = declined.map(({ r }) => r!).sort(compareFacts).at(-1)!;
    return { ...base, state: { type: 'Aborted', reason: `declined by ${declined.length} of ${invitees.length}`, abortedAt: last.fact.time.wall }, committedAgreement: null };
  }
  if (st.proposals.maxWall >= respondBy) return { ...base, state: { type: 'Aborted', reason: 'expired before enough invitees answered', abortedAt: respondBy }, committedAgreement: null };
  return { ...base, state: { type: 'PendingEpoch', pendingEpoch: 0, requiredResponses: threshold, receivedResponses: accepts.length }, committedAgreement: null };
}
