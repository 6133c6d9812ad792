import type { ValidatedFact } from '../../core/facts/fact.ts';
import { GROUP_OPERATIONS, type GroupOperation } from '../../core/facts/kinds/groups.ts';
import { journalOf, namespaceId, type ContextId, type FactId, type ProposalId } from '../../core/ids.ts';
import { isGroupContext } from '../../core/reduce/group-id.ts';
import { groupRoster, proposalSubject, requiredVoters, type GroupRoster } from '../../core/reduce/group-roster.ts';
import { listProposals, WITHDRAWN } from '../../core/reduce/proposals.ts';
import { NodeError } from '../api.ts';
import type { ProposalsApi, ProposalView } from '../api-groups.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';

/** A proposal waits this long for its votes by default (by fact time). */
const DEFAULT_EXPIRY_MS = 3 * 24 * 3600_000;

/**
 * Proposals (category B, DESIGN §7): a member proposes a group operation under the group's rule for it, with
 * every other member as voter and its own approval attached; voters approve or reject. The DeferredStatus is
 * the core's tally; what an approved proposal did is the roster's fold, and the group's witnesses finalize the
 * deciding facts (◆) with their next checkpoint.
 */
export class ProposalsModule implements ProposalsApi {
  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
  ) {}

  proposals(context?: ContextId): readonly ProposalView[] {
    return this.host.cached(`proposals:${context ?? '*'}`, () => {
      const contexts = context ? [context] : [...this.membership.secretsView().keys()].filter(isGroupContext).sort();
      return contexts.flatMap((c) => this.of(c));
    });
  }

  async propose(context: ContextId, operation: GroupOperation, args: readonly string[], expiresInMs = DEFAULT_EXPIRY_MS): Promise<ProposalId> {
    const me = this.host.requireIdentity();
    const r = this.rosterOf(context);
    if (!r.roles.has(me.authorityId)) throw new NodeError('NotAMember', 'Only a member of the group can propose.');
    if (!GROUP_OPERATIONS.includes(operation)) throw new NodeError('InvalidInput', 'Not a group operation.');
    const ns = journalOf(context);
    const create = draft(this.host, ns, 'proposal.create', {
      subject: proposalSubject(operation, args),
      operation,
      args: [...args],
      rule: r.rules[operation],
      voters: requiredVoters(r.roles, operation, args),
      expiresAt: this.host.deps.now() + Math.max(1, Math.floor(expiresInMs)),
    });
    const facts: ValidatedFact[] = [create];
    if (create.fact.body.voters.includes(me.authorityId)) facts.push(draft(this.host, ns, 'proposal.vote', { proposal: create.id, approve: true }));
    await this.host.write({ context, facts, membership: this.host.membersOf(context).view, right: 'chat:send', announce: true });
    return create.id;
  }

  async vote(proposal: ProposalId, approve: boolean, reason?: string): Promise<FactId> {
    this.host.requireIdentity();
    const f = this.host.journals.fact(proposal);
    if (!f || f.fact.kind !== 'proposal.create') throw new NodeError('InvalidInput', 'No such proposal here.');
    const context = namespaceId(f.fact.ns);
    const vote = draft(this.host, f.fact.ns, 'proposal.vote', { proposal, approve, ...(reason?.trim() ? { reason: reason.trim().slice(0, 256) } : {}) });
    await this.host.write({ context, facts: [vote], membership: this.host.membersOf(context).view, right: 'chat:send', announce: true });
    return vote.id;
  }

  withdraw(proposal: ProposalId): Promise<FactId> {
    const f = this.host.journals.fact(proposal);
    if (f?.fact.author !== this.host.requireIdentity().authorityId) throw new NodeError('InvalidInput', 'Only its proposer can withdraw a proposal.');
    return this.vote(proposal, false, WITHDRAWN);
  }

  private rosterOf(context: ContextId): GroupRoster {
    const st = this.host.journals.get(journalOf(context))?.state;
    const r = st && groupRoster(st);
    if (!r) throw new NodeError('UnknownGroup', 'That group is not on this device.');
    return r;
  }

  private of(context: ContextId): ProposalView[] {
    const st = this.host.journals.get(journalOf(context))?.state;
    const r = st && groupRoster(st);
    if (!st || !r) return [];
    const me = this.host.identity()?.authorityId;
    const nameOf = (a: string) => this.membership.names.nameOf(a);
    return listProposals(st.proposals).map((status) => {
      const c = st.proposals.creates.get(status.proposalId)!;
      const { operation, args } = c.fact.body;
      const outcome = r.outcomes.get(c.id);
      return {
        id: c.id,
        context,
        operation: operation as GroupOperation,
        args,
        summary: summaryOf(operation, args, nameOf),
        proposer: c.fact.author,
        status,
        applied: outcome === undefined ? null : outcome.applied ? { agreement: status.appliedAgreement! } : { ignored: outcome.why },
        createdAt: c.fact.time.wall,
        awaitingMe: status.state.type === 'Pending' && me !== undefined && status.approvals.awaiting.includes(me),
        mine: status.state.type === 'Pending' && c.fact.author === me,
      };
    });
  }
}

function summaryOf(operation: string, args: readonly string[], nameOf: (a: string) => string): string {
  switch (operation) {
    case 'remove-member':
      return `remove ${nameOf(args[0] ?? '')}`;
    case 'set-role':
      return `make ${nameOf(args[0] ?? '')} ${args[1] === 'admin' ? 'an admin' : 'a member'}`;
    case 'transfer-ownership':
      return `transfer ownership to ${nameOf(args[0] ?? '')}`;
    case 'archive-channel':
      return 'archive a channel';
    default:
      return operation;
  }
}
