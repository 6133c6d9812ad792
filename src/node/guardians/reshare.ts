import { AuraError } from '../../core/errors.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { journalOf, namespaceId, namespaceKind, type AuthorityId, type ContextId } from '../../core/ids.ts';
import { openReshare, sealReshare } from '../../core/rendezvous/recovery-message.ts';
import { newestProof } from '../../core/reduce/membership.ts';
import { NodeError } from '../api.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';

/** Most boxes in one re-share fact (the schema's bound). */
const MAX_BOXES = 128;

/**
 * Contexts find a recovered member again (DESIGN §2): when a member's binding proves a device its guardians
 * re-admitted, every other member re-shares, in that context, the secrets of the other contexts it shares
 * with that authority — each sealed to the recovered device alone, after the reducer verified the attested
 * tree op. The recovered device opens what is addressed to it and joins; its new bindings there in turn reach
 * the members of those contexts, who re-share what they hold, and so on through the person's contexts.
 */
export class Reshare {
  /** `${device} ${context}` already re-shared from here. */
  private readonly sent = new Set<string>();

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly contacts: ContactsModule,
  ) {}

  applied(f: ValidatedFact): void {
    if (f.fact.kind === 'rel.binding' && namespaceKind(f.fact.ns) === 'context' && f.fact.author !== this.host.identity()?.authorityId) {
      queueMicrotask(() => void this.offer(namespaceId(f.fact.ns), f.fact.author).catch((e: unknown) => this.host.countDrop(`reshare:${e instanceof AuraError ? e.code : 'Error'}`)));
    }
    if (f.fact.kind === 'recovery.reshare' && (f as ValidatedFact<'recovery.reshare'>).fact.body.device === this.host.key.deviceId) {
      queueMicrotask(() => void this.take(f as ValidatedFact<'recovery.reshare'>));
    }
  }

  /** In `context`, re-shares with `authority`'s recovered device what this device shares with that authority elsewhere. */
  private async offer(context: ContextId, authority: AuthorityId): Promise<void> {
    const me = this.host.identity();
    const st = this.host.journals.get(journalOf(context))?.state;
    const proof = st && newestProof(st, authority);
    const device = proof?.tree.recovered?.device;
    if (!me || !device || !proof.tree.devices.has(device) || !this.host.membersOf(context).devices.get(authority)?.has(device)) return;
    const pair = this.contacts.contacts().find((c) => c.authority === authority)?.context;
    const boxes: Uint8Array[] = [];
    for (const [other, secret] of this.membership.secretsView()) {
      if (other === me.authorityId || other === context || this.sent.has(`${device} ${other}`) || boxes.length >= MAX_BOXES) continue;
      const members = this.host.membersOf(other);
      if (!members.view.rights.has(authority) || members.devices.get(authority)?.has(device)) continue;
      this.sent.add(`${device} ${other}`);
      const contact = other === pair ? { contact: me.authorityId, name: this.membership.ownName() } : {};
      boxes.push(sealReshare(this.host.key, device, { context: other, secret, ...contact }, this.host.deps.random));
    }
    if (boxes.length === 0) return;
    const f = draft(this.host, journalOf(context), 'recovery.reshare', { authority, device, boxes });
    await this.host.write({ context, facts: [f], membership: this.host.membersOf(context).view, right: 'chat:send', announce: true });
  }

  /** Opens the boxes sealed to this device and joins each context; a pair's also lists its contact again. */
  private async take(f: ValidatedFact<'recovery.reshare'>): Promise<void> {
    const me = this.host.identity();
    if (!me || f.fact.body.authority !== me.authorityId) return;
    for (const raw of f.fact.body.boxes) {
      try {
        const { box } = openReshare(this.host.key, raw);
        if (this.membership.secretsView().has(box.context)) continue;
        await this.membership.joinContext(box.context, box.secret);
        if (box.contact !== undefined) await this.contacts.remember({ authority: box.contact, name: box.name ?? '' }, box.context);
      } catch (e) {
        if (!(e instanceof AuraError || e instanceof NodeError)) throw e;
        if (e.code !== 'NotForUs') this.host.countDrop(`reshare:${e.code}`);
      }
    }
  }
}
