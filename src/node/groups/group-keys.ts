import { openFromDevice, sealToDevice } from '../../core/crypto/device-box.ts';
import { AuraError } from '../../core/errors.ts';
import { utf8 } from '../../core/encoding/bytes.ts';
import { compareStrings } from '../../core/compare.ts';
import { journalOf, type ContextId } from '../../core/ids.ts';
import { groupRoster, type GroupRoster } from '../../core/reduce/group-roster.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';

const DOMAIN = 'aura/group-key';
const salt = (context: ContextId, epoch: number) => utf8.encode(`${context}/${epoch}`);

/**
 * A group's context key across removals (AMP epoch bump, DESIGN §5, §7): after each removal the first remaining
 * member (by AuthorityId, from its first device) seals a fresh secret to every device of every member that
 * remains; each opens its box and seals and proves under it from then on. The removed member's devices get no
 * box, so they hear the group's traffic from then on without being able to open it.
 */
export class GroupKeys {
  private readonly queued = new Set<ContextId>();
  private readonly written = new Set<string>();

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
  ) {}

  /** A fact of the group applied: look again once the current batch is through. */
  changed(context: ContextId): void {
    if (this.queued.has(context)) return;
    this.queued.add(context);
    queueMicrotask(() => {
      this.queued.delete(context);
      const st = this.host.journals.get(journalOf(context))?.state;
      const r = st && groupRoster(st);
      if (r && !this.host.closed) void this.settle(context, r);
    });
  }

  private async settle(context: ContextId, r: GroupRoster): Promise<void> {
    r.rekeys.forEach((fact, i) => {
      if (fact && i + 1 > this.membership.epochOf(context)) this.open(context, i + 1, fact);
    });
    const me = this.host.identity()?.authorityId;
    const epoch = r.epoch;
    if (epoch === 0 || r.rekeys[epoch - 1] || !me || !r.roles.has(me)) return;
    const first = [...r.roles.keys()].sort(compareStrings)[0];
    const mine = [...(this.host.membersOf(context).devices.get(me) ?? [])].sort(compareStrings)[0];
    if (first !== me || mine !== this.host.key.deviceId || this.written.has(`${context}/${epoch}`)) return;
    this.written.add(`${context}/${epoch}`);
    await this.rekey(context, epoch, r);
  }

  private open(context: ContextId, epoch: number, fact: NonNullable<GroupRoster['rekeys'][number]>): void {
    const box = fact.fact.body.boxes.find((b) => b.device === this.host.key.deviceId);
    if (!box) return;
    try {
      const opened = openFromDevice(this.host.key, DOMAIN, salt(context, epoch), box.box, 128);
      if (opened.from !== fact.fact.device || opened.plaintext.length !== 32) return this.host.countDrop('group:ForeignKeyBox');
      this.membership.adoptEpochSecret(context, epoch, opened.plaintext);
      this.host.changed();
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      this.host.countDrop(`group:${e.code}`);
    }
  }

  private async rekey(context: ContextId, epoch: number, r: GroupRoster): Promise<void> {
    const secret = this.host.deps.random(32);
    const members = this.host.membersOf(context);
    const devices = [...r.roles.keys()].flatMap((a) => [...(members.devices.get(a) ?? [])]).sort(compareStrings);
    const boxes = devices.map((device) => ({ device, box: sealToDevice(this.host.key, device, DOMAIN, salt(context, epoch), secret, this.host.deps.random) }));
    try {
      const fact = draft(this.host, journalOf(context), 'group.rekey', { epoch, boxes });
      await this.host.write({ context, facts: [fact], membership: members.view, right: 'chat:send', announce: true });
    } catch {
      this.written.delete(`${context}/${epoch}`);
      this.host.countDrop('group:RekeyFailed');
    }
  }
}
