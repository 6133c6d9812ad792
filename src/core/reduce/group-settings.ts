import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import type { Right } from '../flow/capabilities.ts';
import type { AuthorityId, ChannelId } from '../ids.ts';
import type { ChatChannel } from './chat.ts';
import { groupRoster, isRetiredAdmin } from './group-roster.ts';
import { MEMBER_RIGHTS, OWNER_RIGHTS, rightsOf } from './membership.ts';
import type { NamespaceState } from './namespace-reducer.ts';
import { compareFacts } from './stamp.ts';

/** What a group's admin holds beyond a member, and a retired one gives up. */
const ADMIN_RIGHTS: ReadonlySet<Right> = new Set(OWNER_RIGHTS.filter((r) => !MEMBER_RIGHTS.includes(r)));

/**
 * A channel as a group shows it: the latest rename and topic by fact order, leaving out those of an admin a
 * handover had retired by their order time — they got in before this replica knew the handover; later ones
 * are refused at admission (`retiredAdminVerdict`). So every replica shows the same settings whatever order
 * the facts came in. Outside groups, or with no handover in effect, the chat reducer's own view.
 */
export function effectiveChannel(st: NamespaceState, ch: ChatChannel): ChatChannel {
  const roster = groupRoster(st);
  if (roster === null || roster.handovers.length === 0) return ch;
  const rec = st.chat.channels.get(ch.id)!;
  const latest = <K extends 'chat.topic' | 'chat.rename'>(kind: K) =>
    (st.chat.settingsLog.filter((f) => f.fact.kind === kind && f.fact.body.channel === ch.id && !isRetiredAdmin(roster, f.fact.author, orderTimeOf(f.fact))) as ValidatedFact<K>[]).sort(compareFacts).at(-1);
  const rename = latest('chat.rename');
  const topic = latest('chat.topic');
  return { ...ch, name: rename ? rename.fact.body.name : rec.name, topic: topic ? topic.fact.body.topic : rec.topic };
}

/** `rightsOf` as of now: an admin a handover retired no longer holds the admin rights (the UI offers what this says). */
export function currentRights(st: NamespaceState, who: AuthorityId, channel?: ChannelId): ReadonlySet<Right> {
  const rights = rightsOf(st, who, channel);
  const roster = groupRoster(st);
  if (roster === null || !isRetiredAdmin(roster, who, null)) return rights;
  return new Set([...rights].filter((r) => !ADMIN_RIGHTS.has(r)));
}
