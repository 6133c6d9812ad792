import { toHex } from '../../core/encoding/bytes.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { GroupCreated } from '../../core/facts/kinds/groups.ts';
import { journalOf, namespaceId, type AuthorityId, type ContextId } from '../../core/ids.ts';
import { listChannels } from '../../core/reduce/chat.ts';
import { groupContextId, isGroupContext } from '../../core/reduce/group-id.ts';
import { currentAdmin, groupRoster, type GroupRoster } from '../../core/reduce/group-roster.ts';
import { NodeError } from '../api.ts';
import type { GroupInvitationView, GroupsApi, GroupView } from '../api-groups.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { JOIN_RIGHT, type MembershipModule } from '../membership/membership-module.ts';
import { handOverAdmin } from './admin-handover.ts';
import { GroupKeys } from './group-keys.ts';

/** How long invitees have to answer, by fact time. */
const RESPOND_WITHIN_MS = 7 * 24 * 3600_000;
/** Default approval rules (group settings): removing or re-roling someone needs every other member. */
const DEFAULT_RULES: GroupCreated['rules'] = {
  'remove-member': { type: 'Unanimous' },
  'set-role': { type: 'Unanimous' },
  'transfer-ownership': { type: 'Unanimous' },
  'archive-channel': { type: 'Percentage', percent: 50 },
};

/**
 * Groups (DESIGN §7, §11): "Create a group" from contacts writes the roster genesis into a new group context and
 * hands each invitee its secret in the pair's own context; invitees see the invitation, read the group's
 * ceremony, and accept or decline with their self-join. Membership, roles and removals are the roster's fold;
 * a removal's new context key is `GroupKeys`'.
 */
export class GroupsModule implements NodeModule, GroupsApi {
  private readonly keys: GroupKeys;
  /** Group invitations that reached us in pairwise contexts: group → who invited. */
  private readonly invited = new Map<ContextId, AuthorityId>();

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly contacts: ContactsModule,
  ) {
    this.keys = new GroupKeys(host, membership);
  }

  applied(f: ValidatedFact): void {
    if (f.fact.kind === 'group.invitation') {
      const me = this.host.identity()?.authorityId;
      const group = (f as ValidatedFact<'group.invitation'>).fact.body.group;
      if (f.fact.author !== me && isGroupContext(group) && !this.invited.has(group)) this.invited.set(group, f.fact.author);
      queueMicrotask(() => void this.hold(f as ValidatedFact<'group.invitation'>));
    }
    const context = namespaceId(f.fact.ns);
    if (isGroupContext(context)) this.keys.changed(context);
  }

  groups(): readonly GroupView[] {
    return this.host.cached('groups', () => {
      const me = this.host.identity()?.authorityId;
      const out: GroupView[] = [];
      for (const context of [...this.membership.secretsView().keys()].filter(isGroupContext).sort()) {
        const st = this.host.journals.get(journalOf(context))?.state;
        const r = st && groupRoster(st);
        if (!st || !r || (me !== r.creator && !r.ceremony.responses.some((x) => x.participant === me && x.response === 'Accepted'))) continue;
        out.push(this.view(context, r, listChannels(st.chat).map((c) => c.id), me));
      }
      return out;
    });
  }

  invitations(): readonly GroupInvitationView[] {
    return this.host.cached('group-invitations', () => {
      const me = this.host.identity()?.authorityId;
      const out: GroupInvitationView[] = [];
      for (const [context, from] of this.invited) {
        const r = this.roster(context);
        const answered = r?.ceremony.responses.find((x) => x.participant === me)?.response !== 'Pending';
        if (!r || answered || !r.ceremony.responses.some((x) => x.participant === me) || r.ceremony.state.type !== 'PendingEpoch') continue;
        out.push({ context, name: r.name, from, fromName: this.membership.names.nameOf(from) });
      }
      return out;
    });
  }

  async createGroup(name: string, invitees: readonly AuthorityId[], threshold = invitees.length): Promise<ContextId> {
    const me = this.host.requireIdentity();
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 64) throw new NodeError('InvalidInput', 'A group name has 1 to 64 characters.');
    const pairs = invitees.map((a) => this.contacts.contacts().find((c) => c.authority === a));
    if (invitees.length === 0 || pairs.some((c) => c === undefined || c.authority === me.authorityId)) throw new NodeError('NotAContact', 'A group is made of your contacts.');
    if (threshold < 1 || threshold > invitees.length) throw new NodeError('InvalidInput', `Between 1 and ${invitees.length} invitees must accept.`);
    const context = groupContextId(me.authorityId, toHex(this.host.deps.random(16)));
    const secret = this.host.deps.random(32);
    await this.membership.adoptSecret(context, secret);
    const ns = journalOf(context);
    const body: GroupCreated = { name: clean, invitees: [...invitees], threshold, respondBy: this.host.deps.now() + RESPOND_WITHIN_MS, rules: DEFAULT_RULES };
    const facts = [...this.membership.joinFacts(ns), draft(this.host, ns, 'group.create', body), draft(this.host, ns, 'chat.channel', { name: 'general' })];
    await this.host.write({ context, facts, membership: { context, rights: this.membership.joinRights() }, right: JOIN_RIGHT, announce: true });
    // Each invitee learns the group in the pair's own context, which only the two of them can read.
    for (const c of pairs) {
      const invite = draft(this.host, journalOf(c!.context), 'group.invitation', { group: context, secret, name: clean });
      await this.host.write({ context: c!.context, facts: [invite], membership: this.host.membersOf(c!.context).view, right: 'chat:send', announce: true });
    }
    return context;
  }

  handOverAdmin(context: ContextId, to: AuthorityId): Promise<void> {
    return handOverAdmin(this.host, context, to);
  }

  accept(context: ContextId): Promise<void> {
    return this.answer(context, true);
  }

  decline(context: ContextId): Promise<void> {
    return this.answer(context, false);
  }

  /** An answer goes with the self-join: only a member's device writes evidence the others can check. */
  private async answer(context: ContextId, accept: boolean): Promise<void> {
    this.host.requireIdentity();
    if (!this.invitations().some((i) => i.context === context)) throw new NodeError('UnknownGroup', 'No invitation to that group is waiting here.');
    const ns = journalOf(context);
    const facts = [...this.membership.joinFacts(ns), draft(this.host, ns, 'group.response', { accept })];
    await this.host.write({ context, facts, membership: { context, rights: this.membership.joinRights() }, right: JOIN_RIGHT, announce: true });
  }

  /** Holds an invitation's secret, so this device reads the group's ceremony before answering. */
  private async hold(f: ValidatedFact<'group.invitation'>): Promise<void> {
    const me = this.host.identity();
    if (!me || f.fact.author === me.authorityId || !isGroupContext(f.fact.body.group)) return;
    try {
      await this.membership.adoptSecret(f.fact.body.group, f.fact.body.secret);
      this.host.changed();
    } catch (e) {
      if (!(e instanceof NodeError)) throw e;
      this.host.countDrop(`group:${e.code}`);
    }
  }

  private roster(context: ContextId): GroupRoster | null {
    const st = this.host.journals.get(journalOf(context))?.state;
    return st ? groupRoster(st) : null;
  }

  private view(context: ContextId, r: GroupRoster, channels: readonly string[], me: AuthorityId | undefined): GroupView {
    const nameOf = (a: AuthorityId) => this.membership.names.nameOf(a);
    return {
      context,
      name: r.name,
      ceremony: r.ceremony,
      invitees: r.ceremony.responses.map((x) => ({ authority: x.participant, name: nameOf(x.participant), response: x.response })),
      members: [...r.roles].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([authority, role]) => ({ authority, name: nameOf(authority), role })),
      myRole: me === undefined ? null : (r.roles.get(me) ?? null),
      admin: currentAdmin(r),
      removedMe: me !== undefined && r.removed.has(me),
      channels,
      epoch: r.epoch,
    };
  }
}
