import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import type { Right } from '../flow/capabilities.ts';
import type { AuthorityId, ChannelId } from '../ids.ts';
import type { OrderTime } from '../facts/hlc.ts';
import type { ChatChannel } from './chat.ts';
import { adminStanding, groupRoster, type GroupRoster } from './group-roster.ts';
import { isAppointedAdmin } from './group-admins.ts';
import { MEMBER_RIGHTS, OWNER_RIGHTS, rightsOf } from './membership.ts';
import type { NamespaceState } from './namespace-reducer.ts';
import { compareFacts } from './stamp.ts';

/** What a group's admin holds beyond a member, and a retired one gives up. */
const ADMIN_RIGHTS: ReadonlySet<Right> = new Set(OWNER_RIGHTS.filter((r) => !MEMBER_RIGHTS.includes(r)));

/** Why an admin operation of a group is not `who`'s to do at a time: see `adminRefusal`. */
export type AdminRefusal = 'RetiredAdmin' | 'AdminNotInEffect';

/**
 * Why `who` may not use the admin rights `rightsOf` gives it in this group at `time` (null: now), or null:
 * `RetiredAdmin` — a handover in effect by then retired it (over every channel, those it created included);
 * `AdminNotInEffect` — its rights come only from a handover that is not in effect then (waiting for its
 * activation epoch, or not the chain's: a later handover of an appointment already handed over), except over a
 * channel it created itself. The holder of the role, and anyone no handover names, pass.
 */
export function adminRefusal(st: NamespaceState, r: GroupRoster, who: AuthorityId, time: OrderTime | null, channel?: ChannelId): AdminRefusal | null {
  const { holds, retired } = adminStanding(r, who, time);
  if (holds) return null;
  if (retired) return 'RetiredAdmin';
  const ownChannel = channel !== undefined && st.chat.channels.get(channel)?.creator === who;
  return isAppointedAdmin(st, who) && !ownChannel ? 'AdminNotInEffect' : null;
}

/**
 * A channel as a group shows it: the latest rename and topic by fact order, leaving out those `adminRefusal`
 * refuses at their order time — they got in before this replica knew the handover; later ones are refused at
 * admission (`retiredAdminVerdict`). So every replica shows the same settings whatever order
 * the facts came in. Outside groups, or with no handover in effect, the chat reducer's own view.
 */
export function effectiveChannel(st: NamespaceState, ch: ChatChannel): ChatChannel {
  const roster = groupRoster(st);
  if (roster === null || roster.handovers.length === 0) return ch;
  const rec = st.chat.channels.get(ch.id)!;
  const counts = (f: ValidatedFact<'chat.topic' | 'chat.rename'>) => adminRefusal(st, roster, f.fact.author, orderTimeOf(f.fact), ch.id) === null;
  const latest = <K extends 'chat.topic' | 'chat.rename'>(kind: K) =>
    (st.chat.settingsLog.filter((f) => f.fact.kind === kind && f.fact.body.channel === ch.id && counts(f)) as ValidatedFact<K>[]).sort(compareFacts).at(-1);
  const rename = latest('chat.rename');
  const topic = latest('chat.topic');
  return { ...ch, name: rename ? rename.fact.body.name : rec.name, topic: topic ? topic.fact.body.topic : rec.topic };
}

/** `rightsOf` as of now, less the admin rights `adminRefusal` denies now (the UI offers what this says). */
export function currentRights(st: NamespaceState, who: AuthorityId, channel?: ChannelId): ReadonlySet<Right> {
  const rights = rightsOf(st, who, channel);
  const roster = groupRoster(st);
  if (roster === null || adminRefusal(st, roster, who, null, channel) === null) return rights;
  return new Set([...rights].filter((r) => !ADMIN_RIGHTS.has(r)));
}
