import { compareStrings, sortedKeys } from '../compare.ts';
import { fromHex } from '../encoding/bytes.ts';
import type { MembershipView, Right } from '../flow/capabilities.ts';
import type { AuthorityId, ChannelId, ContextId, DeviceId, FactId } from '../ids.ts';
import { channelMessages, listChannels, type ChatMessage } from './chat.ts';
import type { NamespaceState } from './namespace-reducer.ts';
import type { Binding } from './relational.ts';
import { compareOrderTime, type OrderTime } from '../facts/hlc.ts';
import { provenTree, type ProvenTree } from './tree/device-proof.ts';
import { activeDevices, type TreeState } from './tree/tree-state.ts';
import type { GroupRole } from '../facts/kinds/groups.ts';
import { isGroupContext } from './group-id.ts';
import { groupRoster } from './group-roster.ts';
import { isAppointedAdmin } from './group-admins.ts';
import { currentTree } from './tree/tree-reducer.ts';

/**
 * What a member of a context may do; a member who created a channel in it also owns it: it may rename the
 * channel, set its topic (authz: only the owner, per channel) and invite. `witness`: record a witness group
 * key and the group's commits (DESIGN §6). `profile:name`: state its own display name there. `forward:receipt`:
 * keep the receipts of messages forwarded to it (DESIGN §5).
 */
export const MEMBER_RIGHTS: readonly Right[] = ['chat:send', 'chat:react', 'witness', 'profile:name', 'forward:receipt'];
export const OWNER_RIGHTS: readonly Right[] = [...MEMBER_RIGHTS, 'chat:topic', 'chat:rename', 'member:invite'];
/** In a group, rights come from the member's role alone (DESIGN §11), not from having created a channel. */
export const ROLE_RIGHTS: Readonly<Record<GroupRole, readonly Right[]>> = { owner: OWNER_RIGHTS, admin: OWNER_RIGHTS, member: MEMBER_RIGHTS };
const NO_RIGHTS: ReadonlySet<Right> = new Set();
const MEMBER_SET: ReadonlySet<Right> = new Set(MEMBER_RIGHTS);
const OWNER_SET: ReadonlySet<Right> = new Set(OWNER_RIGHTS);

/**
 * What `authority` may do in a context: over `channel` when given, else in any channel of the context. Every
 * rights question (the authorization rules, the node's local checks, the membership view) asks here, so that
 * roles can grant rights in this one place. Monotone in the fact set, as authorization must be: members and
 * channels only grow, and a channel's owner is fixed by its creation fact.
 */
export function rightsOf(st: NamespaceState | undefined, authority: AuthorityId, channel?: ChannelId): ReadonlySet<Right> {
  if (!st?.authz.members.has(authority)) return NO_RIGHTS;
  const owns = channel === undefined ? listChannels(st.chat).some((c) => c.creator === authority) : st.chat.channels.get(channel)?.creator === authority;
  // In a group, its creator (whom the group's id names, so this never changes) and every admin a counted
  // handover appointed hold the owner rights over every channel (monotone: counted facts only grow). Retiring
  // is not monotone: admission refuses a retired admin's later operations (`retiredAdminVerdict`). Roles
  // granted by proposals are not monotone either, so they do not reach these rules yet.
  const groupOwner = st.groups.create.get('')?.fact.author === authority || isAppointedAdmin(st, authority);
  return owns || groupOwner ? OWNER_SET : MEMBER_SET;
}

export function hasRight(st: NamespaceState | undefined, authority: AuthorityId, right: Right, channel?: ChannelId): boolean {
  return rightsOf(st, authority, channel).has(right);
}

/** Binding type by which an authority joins the context it is written in. */
export const MEMBER_BINDING = 'member';

export interface ContextMembers {
  readonly view: MembershipView;
  /** The devices each member proved to be its own; only facts from these devices count as the member's. */
  readonly devices: ReadonlyMap<AuthorityId, ReadonlySet<DeviceId>>;
  /** In a group: the proven devices of authorities it does not (or no longer) count, never served its journal. */
  readonly excluded?: ReadonlySet<DeviceId>;
}

const proofs = new Map<FactId, ProvenTree | null>();

/** The tree a member binding proves for its author (memoised by FactId: pure), or null for an invalid one. */
function proofOf(b: Binding): ProvenTree | null {
  const hit = proofs.get(b.stamp.id);
  if (hit !== undefined) return hit;
  const tree = b.bindingType === MEMBER_BINDING && b.authorities.length === 1 && b.authorities[0] === b.author && b.data !== null ? provenTree(fromHex(b.data), b.author) : null;
  if (proofs.size > 10_000) proofs.clear();
  proofs.set(b.stamp.id, tree);
  return tree;
}

/**
 * A member binding is a self-join: it names only its author, and its `data` proves that the device that
 * signed it is the author's (the genesis, whose CID is the AuthorityId, and the tree ops that added the
 * device: `provesDevice`). So nobody holding the context secret can join, or write, in another authority's
 * name. Memoised by FactId: pure.
 */
export function isValidMemberBinding(b: Binding): boolean {
  return proofOf(b)?.devices.has(b.stamp.time.device) ?? false;
}

/**
 * The newest tree of `authority` its valid member bindings here prove (highest epoch, then most tree ops, then
 * latest by fact order), with the proof's bytes: what a guardian knows of its ward, and hands a recovering
 * device. Null when none proves a chain (a genesis-only proof has no head to recover).
 */
export function newestProof(st: NamespaceState, authority: AuthorityId): { readonly data: Uint8Array; readonly tree: ProvenTree & { readonly head: TreeState }; readonly at: number } | null {
  let best: { b: Binding; tree: ProvenTree & { readonly head: TreeState } } | null = null;
  for (const b of st.relational.bindings.values()) {
    if (b.author !== authority || !isValidMemberBinding(b)) continue;
    const tree = proofOf(b);
    if (!tree?.head) continue;
    const h = tree.head;
    const d = best === null ? 1 : h.epoch - best.tree.head.epoch || tree.devices.size + tree.removed.size - (best.tree.devices.size + best.tree.removed.size) || compareOrderTime(b.stamp.time, best.b.stamp.time);
    if (d > 0) best = { b, tree: tree as ProvenTree & { readonly head: TreeState } };
  }
  return best && { data: fromHex(best.b.data!), tree: best.tree, at: best.b.stamp.time.wall };
}

/**
 * Devices each member authority removed, as its own bindings prove (a device leaf of an earlier state of a
 * proven chain that the chain's head no longer has), with the earliest time such a binding was written: a
 * fact of that device from then on is not the authority's any more (DESIGN §2). Read from the whole fact
 * set, so every arrival order gives the same answer.
 */
export function revocations(st: NamespaceState): Map<AuthorityId, Map<DeviceId, OrderTime>> {
  const out = new Map<AuthorityId, Map<DeviceId, OrderTime>>();
  for (const b of st.relational.bindings.values()) {
    const removed = proofOf(b)?.removed;
    if (!removed || removed.size === 0 || !isValidMemberBinding(b)) continue;
    let byDevice = out.get(b.author);
    if (!byDevice) out.set(b.author, (byDevice = new Map()));
    for (const d of removed) {
      const known = byDevice.get(d);
      if (known === undefined || compareOrderTime(b.stamp.time, known) < 0) byDevice.set(d, b.stamp.time);
    }
  }
  return out;
}

/** Whether a fact of `device` at `time` comes after its authority removed it. */
export function isRevoked(revoked: Map<AuthorityId, Map<DeviceId, OrderTime>>, author: AuthorityId, device: DeviceId, time: OrderTime): boolean {
  const at = revoked.get(author)?.get(device);
  return at !== undefined && compareOrderTime(time, at) >= 0;
}

/**
 * Who belongs to a context, read from its reduced journal: authorities with a valid member binding, with
 * the devices they proved (the authorization index, fed by the same bindings), and their `rightsOf` (in a
 * group, their role's). Outside groups membership only grows with facts, like the journal it comes from.
 */
export function contextMembership(context: ContextId, st: NamespaceState): ContextMembers {
  const rights = new Map<AuthorityId, Set<Right>>();
  const devices = new Map<AuthorityId, Set<DeviceId>>();
  const revoked = revocations(st);
  // A group counts only the members its roster holds now (none before its genesis is here).
  const group = isGroupContext(context) ? groupRoster(st) : null;
  const excluded = new Set<DeviceId>();
  for (const a of sortedKeys(st.authz.members)) {
    const role = group?.roles.get(a);
    if (isGroupContext(context) && role === undefined) {
      for (const d of st.authz.members.get(a)!) excluded.add(d);
      continue;
    }
    // In a group the view grants by role (the roster of now); the authorization rules still ask `rightsOf`.
    rights.set(a, new Set(role ? ROLE_RIGHTS[role] : rightsOf(st, a)));
    // A removed device no longer writes, is served or counted for its authority.
    devices.set(a, new Set([...st.authz.members.get(a)!].filter((d) => !revoked.get(a)?.has(d))));
  }
  return { view: { context, rights }, devices, ...(excluded.size > 0 ? { excluded } : {}) };
}

/** What an authority's devices may do in its own journal: write it (the tree reducer judges tree ops). */
export const ACCOUNT_RIGHTS: readonly Right[] = ['account:write'];

/**
 * The authority journal as a shared journal: its one member is the authority, writing from the devices of
 * its current tree (a removed device is no longer served or counted).
 */
export function accountMembership(authority: AuthorityId, st: NamespaceState): ContextMembers {
  const head = currentTree(st.tree);
  const devices = new Set(head ? activeDevices(head) : []);
  return { view: { context: authority, rights: new Map([[authority, new Set(ACCOUNT_RIGHTS)]]) }, devices: new Map([[authority, devices]]) };
}

/** Members, sorted. */
export function memberList(view: MembershipView): AuthorityId[] {
  return [...view.rights.keys()].sort(compareStrings);
}

/** Whether a fact by this author and device may enter the context: a member writing from a proven device. */
export function mayWrite(m: ContextMembers, author: AuthorityId, device: DeviceId): boolean {
  return m.devices.get(author)?.has(device) ?? false;
}

/**
 * A channel's messages without those its authors' removed devices wrote after their removal; in a group, also
 * without those of anyone not on its roster, written after the vote that removed its author, or written in an
 * archived channel after the vote that archived it.
 */
export function visibleMessages(st: NamespaceState, channel: ChannelId): readonly ChatMessage[] {
  const all = channelMessages(st.chat, channel);
  const revoked = revocations(st);
  const group = groupRoster(st);
  const archivedAt = group?.archived.get(channel);
  const onRoster = (m: ChatMessage) => {
    if (archivedAt !== undefined && compareOrderTime(m.time, archivedAt) >= 0) return false;
    if (group === null || group.roles.has(m.author)) return true;
    const out = group.removed.get(m.author);
    return out !== undefined && compareOrderTime(m.time, out) < 0;
  };
  return revoked.size === 0 && group === null ? all : all.filter((m) => !isRevoked(revoked, m.author, m.device, m.time) && onRoster(m));
}
