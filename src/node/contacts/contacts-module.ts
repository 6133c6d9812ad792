import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { AuthorityId, ContextId } from '../../core/ids.ts';
import { INVITATION_ABORTS, type InvitationCeremony, type Person } from '../../core/rendezvous/invitation.ts';
import { contactFingerprint } from '../../core/rendezvous/fingerprint.ts';
import { InvitationInitiator } from '../../protocols/rendezvous/invitation-initiator.ts';
import { InvitationJoiner } from '../../protocols/rendezvous/invitation-joiner.ts';
import { NodeError, type ContactsApi, type ContactView } from '../api.ts';
import type { ChatModule } from '../chat/chat-module.ts';
import { CeremonyRuns, enteredCode } from '../host/ceremony-runs.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';

type Run = InvitationInitiator | InvitationJoiner;

/** A contact as this device keeps it: local, like petnames (not a fact; other devices of ours do not see it yet). */
interface ContactRecord {
  readonly authority: AuthorityId;
  readonly name: string;
  readonly context: ContextId;
  readonly since: number;
}

const CONTACTS_META = 'contacts';
const PETNAMES_META = 'petnames';

/**
 * Contacts (DESIGN §7, §11): "Add a contact" runs the invitation ceremony's inviter side; entering its code runs
 * the invitee's, whose person accepts or declines once shown who invites. On commit both hold a new
 * pairwise context (with one channel for the two) and list each other. Ceremonies live in memory, like
 * enrollments (a reload abandons one; the other side times out).
 */
export class ContactsModule implements NodeModule, ContactsApi {
  private readonly runs: CeremonyRuns<InvitationCeremony, Run>;
  private records: readonly ContactRecord[] = [];
  private remembering: Promise<void> = Promise.resolve();
  private petnames: Readonly<Record<AuthorityId, string>> = {};

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly chat: ChatModule,
  ) {
    this.runs = new CeremonyRuns(host);
  }

  async restore(): Promise<void> {
    const { store } = this.host.deps;
    // Local records only this app writes; still, a profile opens whatever it finds there (DESIGN §10).
    const records = await store.getMeta<unknown>(CONTACTS_META);
    const petnames = await store.getMeta<unknown>(PETNAMES_META);
    this.records = Array.isArray(records) ? (records as ContactRecord[]) : [];
    this.petnames = typeof petnames === 'object' && petnames !== null ? (petnames as Record<AuthorityId, string>) : {};
  }

  ceremonies(): readonly InvitationCeremony[] {
    return this.runs.list();
  }

  contacts(): readonly ContactView[] {
    return this.host.cached('contacts', () => {
      const me = this.host.identity();
      if (me === null) return [];
      const channels = this.chat.channels().data;
      return this.records.map((r) => ({
        authority: r.authority,
        // The name it stated since (a 'profile.name' in our shared context) over the one the ceremony carried.
        displayName: this.membership.names.statedName(r.authority) ?? r.name,
        petname: this.petnames[r.authority] ?? null,
        context: r.context,
        devices: [...(this.host.membersOf(r.context).devices.get(r.authority) ?? [])],
        channel: channels.find((c) => c.context === r.context)?.id ?? null,
        fingerprint: contactFingerprint(me.authorityId, r.authority),
        since: r.since,
      }));
    });
  }

  invite(): InvitationCeremony {
    this.host.requireIdentity();
    this.requireNetwork();
    const run: InvitationInitiator = new InvitationInitiator(
      { ...this.runs.deps(() => run), displayName: this.membership.ownName() },
      { proof: () => this.membership.deviceProof(), commit: (context, secret, invitee) => this.commit(context, secret, invitee, true) },
    );
    // A newer invite supersedes an older one still open: one code in circulation at a time.
    for (const other of this.runs.values()) if (other instanceof InvitationInitiator) other.end({ supersededBy: run.state.id });
    return this.runs.begin(run);
  }

  acceptCode(text: string): InvitationCeremony {
    this.host.requireIdentity();
    this.requireNetwork();
    const code = enteredCode(this.host, text, 'invite', 'That code is not an invitation.');
    const run: InvitationJoiner = new InvitationJoiner(
      { ...this.runs.deps(() => run), code },
      {
        proof: () => this.membership.deviceProof(),
        hold: (context, secret) => this.membership.adoptSecret(context, secret),
        joined: (context, inviter) => this.host.membersOf(context).devices.has(inviter.authority),
        finish: (context, secret, inviter) => this.commit(context, secret, inviter, false),
      },
    );
    if (this.runs.has(run.state.id)) throw new NodeError('CeremonyRunning', 'This invitation is already open here.');
    return this.runs.begin(run);
  }

  async accept(id: string): Promise<void> {
    const run = this.presented(id);
    if (run.state.other?.authority === this.host.requireIdentity().authorityId) throw new NodeError('InvalidInput', 'That invitation is from yourself.');
    await run.accept();
  }

  decline(id: string): void {
    this.presented(id).decline();
  }

  cancel(id: string): void {
    const run = this.runs.get(id);
    if (run instanceof InvitationInitiator) run.end({ cancelled: INVITATION_ABORTS.cancelled });
    else run?.step({ type: 'abort', reason: INVITATION_ABORTS.cancelled, at: this.host.deps.now() });
  }

  async setPetname(authority: AuthorityId, name: string): Promise<void> {
    const clean = name.trim();
    if (clean.length > 64) throw new NodeError('InvalidInput', 'A petname has at most 64 characters.');
    if (!this.records.some((r) => r.authority === authority)) throw new NodeError('InvalidInput', 'That is not a contact.');
    const { [authority]: _old, ...rest } = this.petnames;
    const next = clean === '' ? rest : { ...rest, [authority]: clean };
    await this.save(PETNAMES_META, next);
    this.petnames = next;
    this.host.changed();
  }

  applied(f: ValidatedFact): void {
    if (f.fact.kind !== 'rel.binding' || this.runs.size === 0) return;
    queueMicrotask(() => {
      for (const r of this.runs.values()) if (r instanceof InvitationJoiner) r.inviterChanged();
    });
  }

  async stop(): Promise<void> {
    this.runs.stop();
  }

  private presented(id: string): InvitationJoiner {
    const run = this.runs.get(id);
    if (!(run instanceof InvitationJoiner) || !run.state.presented) throw new NodeError('InvalidInput', 'No invitation waiting for an answer here.');
    return run;
  }

  private requireNetwork(): void {
    if (!this.host.deps.transport) throw new NodeError('Offline', 'Adding a contact needs the network.');
  }

  /**
   * Joins the pairwise context (the inviter also opens the two's channel, with its binding: that is the commit
   * the invitee waits for) and lists the other person as a contact, durably.
   */
  private async commit(context: ContextId, secret: Uint8Array, other: Person, inviter: boolean): Promise<void> {
    const me = this.host.requireIdentity();
    if (other.authority === me.authorityId) throw new NodeError('InvalidInput', 'that is this account');
    if (inviter) {
      await this.membership.adoptSecret(context, secret);
      await this.chat.openChannel(context, `${this.membership.ownName()} & ${other.name}`.slice(0, 64));
    } else {
      await this.membership.joinContext(context, secret);
    }
    await this.remember(other, context);
  }

  /** Lists `other` as a contact over `context`, durably: after a ceremony, or when a recovered device gets the pair back. */
  remember(other: Person, context: ContextId): Promise<void> {
    // One at a time: two contacts coming back at once (a recovery) must not each save a list without the other.
    const run = this.remembering.then(async () => {
      const records = [...this.records.filter((r) => r.authority !== other.authority), { authority: other.authority, name: other.name, context, since: this.host.deps.now() }];
      await this.save(CONTACTS_META, records);
      this.records = records;
      this.host.changed();
    });
    this.remembering = run.catch(() => undefined);
    return run;
  }

  private save(key: string, value: unknown): Promise<void> {
    return this.host.deps.store.setMeta(key, value).catch((e: unknown) => {
      throw new NodeError('StorageFailed', `Could not save: ${(e as Error).message}`);
    });
  }
}
