import { journalOf, type AuthorityId, type ContextId } from '../../core/ids.ts';
import { appointmentOf, adminChain, genesisAppointment } from '../../core/reduce/group-admins.ts';
import { currentAdmin, groupRoster } from '../../core/reduce/group-roster.ts';
import { NodeError } from '../api.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';

/**
 * "Hand over admin to…" (DESIGN §8, spec 004 §5): the group's admin retires itself and names a member its
 * successor, from the group's current key epoch on. The fact names the appointment this admin holds (the
 * creator's, or the one the handover naming it made), so every receiver checks it by content
 * (`core/authz/group-admin-rules.ts`); from then on every receiver's admission refuses this authority's renames,
 * topics and handovers (`RetiredAdmin`).
 */
export async function handOverAdmin(host: NodeHost, context: ContextId, to: AuthorityId): Promise<void> {
  const me = host.requireIdentity().authorityId;
  const ns = journalOf(context);
  const st = host.journals.get(ns)?.state;
  const roster = st && groupRoster(st);
  if (!st || !roster) throw new NodeError('UnknownGroup', 'This group is not on this device.');
  // The appointment is the chain's (a handover waiting for its epoch included), not only the one in effect.
  const last = adminChain(st, ns).at(-1);
  const holder = last?.fact.body.newAdmin ?? roster.creator;
  if (holder !== me || currentAdmin(roster) !== me) throw new NodeError('AuthorizationDenied', 'Only the group’s admin hands over its role.');
  if (to === me || !roster.roles.has(to)) throw new NodeError('InvalidInput', 'The new admin must be another member of the group.');
  const prestate = last ? appointmentOf(last.id) : genesisAppointment(ns);
  const fact = draft(host, ns, 'maint.adminReplacement', { oldAdmin: me, newAdmin: to, activationEpoch: roster.epoch, prestate });
  await host.write({ context, facts: [fact], membership: host.membersOf(context).view, right: 'chat:send', announce: true });
}
