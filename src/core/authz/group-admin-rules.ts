import { orderTimeOf, type ValidatedFact } from '../facts/fact.ts';
import { namespaceId, type AuthorityId } from '../ids.ts';
import { committedBy } from '../reduce/agreement.ts';
import { appointingReplacement, genesisAppointment } from '../reduce/group-admins.ts';
import { isGroupContext, isGroupCreator } from '../reduce/group-id.ts';
import { groupRoster } from '../reduce/group-roster.ts';
import { adminRefusal } from '../reduce/group-settings.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { maintenanceConsensusId } from './maintenance-rules.ts';
import { ALLOW, refuse, wait, waitKey, type AuthzVerdict } from './verdict.ts';

type St = NamespaceState | undefined;

/**
 * Admin replacement in a group context (spec 004 §5, DESIGN §8). Monotone, judged by content:
 * - the new admin is the group's creator or one of its invitees (`NotInvited`; wait `group` before the genesis);
 * - the old admin holds the appointment the fact names as `prestate`: the genesis one is the creator's (the
 *   context id names it), any other is the new admin of the counted replacement that made it (wait
 *   `appointment:<p>` until that one counts); otherwise `NotCurrentAdmin`;
 * - and either the old admin signs it (retiring itself and naming its successor), or the group's threshold
 *   attests it: a counted consensus commit `maint:<factId>` over that appointment covering the fact, which the
 *   context's witness key verified before it counted (as a snapshot's completion). Wait, never refuse, for that
 *   commit: it may still arrive.
 */
export function groupAdminReplacementRule(f: ValidatedFact<'maint.adminReplacement'>, st: St): AuthzVerdict {
  const context = namespaceId(f.fact.ns);
  if (!isGroupContext(context)) return refuse('NotAGroup');
  const { oldAdmin, newAdmin, prestate } = f.fact.body;
  const create = st?.groups.create.get('');
  if (!isGroupCreator(context, newAdmin as AuthorityId)) {
    if (create === undefined) return wait(waitKey.group);
    if (!create.fact.body.invitees.includes(newAdmin as AuthorityId)) return refuse('NotInvited');
  }
  if (prestate === genesisAppointment(f.fact.ns)) {
    if (!isGroupCreator(context, oldAdmin as AuthorityId)) return refuse('NotCurrentAdmin');
  } else {
    const made = st && appointingReplacement(st, prestate);
    if (made === undefined) return wait(waitKey.appointment(prestate));
    if (made.fact.body.newAdmin !== oldAdmin) return refuse('NotCurrentAdmin');
  }
  if (f.fact.author === oldAdmin) return ALLOW;
  const id = maintenanceConsensusId(f.id);
  const attested = st !== undefined && committedBy(st.agreement, id).some((c) => c.prestateHash === prestate && c.covers.includes(f.id));
  return attested ? ALLOW : wait(waitKey.consensus(id));
}

/**
 * Whether a handover may still make the author of a group fact an admin (`rightsOf` grants it then): an
 * invitee of the group's genesis (a successor must be one). Its settings wait for that instead of being
 * refused, so the rule stays monotone.
 */
export function mayBeAppointed(f: ValidatedFact, st: St): boolean {
  if (!isGroupContext(namespaceId(f.fact.ns))) return false;
  return st?.groups.create.get('')?.fact.body.invitees.includes(f.fact.author) ?? false;
}

/** The operations a group's admin holds by its appointment: what a retired admin may no longer write. */
const ADMIN_KINDS: ReadonlySet<string> = new Set(['chat.rename', 'chat.topic', 'maint.adminReplacement']);

/**
 * The receiver's admission check for a group (not a monotone rule, so not in `RULES`, like a removed device's
 * facts): a rename, a topic, or a handover an admin signs for itself, by an author `adminRefusal` refuses at
 * the fact's order time — `RetiredAdmin` (a handover in effect had retired it), `AdminNotInEffect` (only a
 * handover not in effect then names it). What got in before the handover was known is left out of the views
 * (`reduce/group-settings.ts` `effectiveChannel`).
 */
export function retiredAdminVerdict(f: ValidatedFact, st: St): AuthzVerdict {
  if (st === undefined || !ADMIN_KINDS.has(f.fact.kind) || !isGroupContext(namespaceId(f.fact.ns))) return ALLOW;
  // Retiring someone else is the threshold's decision, whoever carries it.
  if (f.fact.kind === 'maint.adminReplacement' && (f as ValidatedFact<'maint.adminReplacement'>).fact.body.oldAdmin !== f.fact.author) return ALLOW;
  const roster = groupRoster(st);
  const channel = f.fact.kind === 'maint.adminReplacement' ? undefined : (f as ValidatedFact<'chat.rename' | 'chat.topic'>).fact.body.channel;
  const why = roster && adminRefusal(st, roster, f.fact.author, orderTimeOf(f.fact), channel);
  return why ? refuse(why) : ALLOW;
}
