import { equalBytes } from '@noble/curves/utils.js';
import { base32 } from 'multiformats/bases/base32';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { decodeJoinCode, encodeJoinCode, JoinCodeError } from '../../core/facts/join-code.ts';
import { authorityNamespace, journalOf, namespaceId, namespaceKind, type ChannelId, type ContextId, type DeviceId, type Namespace } from '../../core/ids.ts';
import { listChannels } from '../../core/reduce/chat.ts';
import { isGroupContext } from '../../core/reduce/group-id.ts';
import { groupRoster } from '../../core/reduce/group-roster.ts';
import { accountMembership, contextMembership, MEMBER_BINDING, type ContextMembers } from '../../core/reduce/membership.ts';
import { NodeError } from '../api.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { draft } from '../host/draft.ts';
import { Names } from './names.ts';
import { thisDeviceRemoved } from './removed.ts';
import { writeAccountFact } from '../account/tree-write.ts';
import { encodeDeviceProof } from '../../core/reduce/tree/device-proof.ts';

const NO_PEERS: ReadonlySet<DeviceId> = new Set();
/** Holding a context's secret lets a device write its own self-join (and, in a group, its answer). */
export const JOIN_RIGHT = 'member:join';
const PROFILE_RIGHT = 'profile:name';

/**
 * Membership: context secrets (held in the store and in memory, never diverging), joining by code, the
 * self-join bindings that prove which device writes for which authority, display names, and the devices
 * seen on each context's topic.
 */
export class MembershipModule implements NodeModule {
  readonly names = new Names((name) => this.setDisplayName(name));
  private readonly secrets = new Map<ContextId, Uint8Array>();
  /** A group's newest key epoch and its secret, opened from its rekey facts (never stored: the facts are). */
  private readonly epochs = new Map<ContextId, { epoch: number; secret: Uint8Array }>();
  /** Devices seen joining each context's topic: whom to reconcile with before their bindings reach us. */
  private readonly topicPeers = new Map<ContextId, Set<DeviceId>>();
  /** Called when a peer shares a context's topic with us (the sync module reconciles with it). */
  onPeerJoined: (context: ContextId, peer: DeviceId) => void = () => {};

  constructor(private readonly host: NodeHost) {}

  async restore(): Promise<void> {
    for (const [context, secret] of await this.host.deps.store.contextSecrets()) this.secrets.set(context, secret);
    await this.ensureAccountSecret();
  }

  /**
   * The secret under which this authority's devices share its journal (DESIGN §2), made by its first device
   * (also for identities made before devices could be added) and handed to the others at enrollment.
   */
  async ensureAccountSecret(): Promise<void> {
    const me = this.host.identity();
    if (me && !this.secrets.has(me.authorityId)) await this.adoptSecret(me.authorityId, this.host.deps.random(32));
  }

  start(): void {
    const t = this.host.deps.transport!;
    t.onPeerJoined((context, peer) => this.peerJoined(context, peer));
    for (const [context, secret] of this.secrets) t.join(context, secret);
    for (const [context, { secret }] of this.epochs) t.rekey(context, secret);
  }

  /** A group's next key epoch, once opened: gossip seals under it, and sync sessions prove it, from now on. */
  adoptEpochSecret(context: ContextId, epoch: number, secret: Uint8Array): void {
    if ((this.epochs.get(context)?.epoch ?? 0) >= epoch) return;
    this.epochs.set(context, { epoch, secret });
    this.host.deps.transport?.rekey(context, secret);
  }

  epochOf(context: ContextId): number {
    return this.epochs.get(context)?.epoch ?? 0;
  }

  /**
   * Whether a write goes out by gossip. Not in a group that removed someone since the key this device holds:
   * what it sealed now the removed could open, so its facts wait for sync (never served to the removed); only
   * the rekey itself goes out under the old key (its boxes name who opens it).
   */
  gossips(req: { readonly context: ContextId; readonly facts: readonly ValidatedFact[] }): boolean {
    if (!isGroupContext(req.context) || req.facts.some((f) => f.fact.kind === 'group.rekey')) return true;
    const st = this.host.journals.get(journalOf(req.context))?.state;
    const r = st && groupRoster(st);
    return !r || r.epoch <= this.epochOf(req.context);
  }

  /** What a sync session proves it holds: the newest epoch's secret (a removed member holds only older ones). */
  proofSecret(context: ContextId): Uint8Array | undefined {
    return this.epochs.get(context)?.secret ?? this.secrets.get(context);
  }

  applied(f: ValidatedFact): void {
    this.names.note(f);
  }

  secretsView(): ReadonlyMap<ContextId, Uint8Array> {
    return this.secrets;
  }

  /** Members of a context, or of the authority journal its devices share (DESIGN §2). */
  membersOf(context: ContextId): ContextMembers {
    const ns = journalOf(context);
    const st = this.host.journals.get(ns)?.state;
    if (!st) return { view: { context, rights: new Map() }, devices: new Map() };
    return namespaceKind(ns) === 'authority' ? accountMembership(context, st) : contextMembership(context, st);
  }

  /** Whether this device's authority removed it (`removed.ts`): then it writes in no context. */
  deviceRemoved(): boolean {
    return thisDeviceRemoved(this.host);
  }

  /** Whether another device of this authority writes in the context (or shares its own journal). */
  hasSiblings(context: ContextId): boolean {
    const me = this.host.identity();
    return me !== null && (this.membersOf(context).devices.get(me.authorityId)?.size ?? 0) > 1;
  }

  hasContext(context: ContextId): boolean {
    return this.secrets.has(context);
  }

  topicPeersOf(context: ContextId): ReadonlySet<DeviceId> {
    return this.topicPeers.get(context) ?? NO_PEERS;
  }

  /** An observer on the topic that does not hold the context: stop asking it. */
  forgetTopicPeer(context: ContextId, peer: DeviceId): void {
    this.topicPeers.get(context)?.delete(peer);
  }

  async createContext(): Promise<ContextId> {
    const context = base32.baseEncode(this.host.deps.random(16));
    await this.adoptSecret(context, this.host.deps.random(32));
    return context;
  }

  /** This device's self-join of a context, with the proof that it writes as this authority (`provesDevice`). */
  memberBinding(ns: Namespace): ValidatedFact<'rel.binding'> {
    const me = this.host.requireIdentity();
    return draft(this.host, ns, 'rel.binding', { bindingType: MEMBER_BINDING, authorities: [me.authorityId], data: this.deviceProof() });
  }

  /** This authority's display name as every reader shows it: the latest it stated, else its genesis name. */
  ownName(): string {
    return this.names.nameOf(this.host.requireIdentity().authorityId);
  }

  /**
   * The self-join and, once this authority changed its display name, that name: members of a context joined
   * later learn it from the context itself, as those of earlier ones did (`setDisplayName`).
   */
  joinFacts(ns: Namespace): ValidatedFact[] {
    const binding = this.memberBinding(ns);
    const name = this.names.statedName(this.host.requireIdentity().authorityId);
    return name === null ? [binding] : [binding, draft(this.host, ns, 'profile.name', { name })];
  }

  /**
   * A new display name, stated where each reader already looks: this authority's journal (its devices) and
   * every context it is a member of (their members). Each write is guarded like any other.
   */
  async setDisplayName(name: string): Promise<void> {
    const me = this.host.requireIdentity();
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 64) throw new NodeError('InvalidInput', 'A display name has 1 to 64 characters.');
    await writeAccountFact(this.host, 'profile.name', { name: clean });
    for (const context of [...this.secrets.keys()].sort()) {
      const view = this.membersOf(context).view;
      // Not where this authority is no member (any more), nor where this device was removed: it writes nothing there.
      if (context === me.authorityId || !view.rights.has(me.authorityId) || this.deviceRemoved()) continue;
      await this.host.write({ context, facts: [draft(this.host, journalOf(context), 'profile.name', { name: clean })], membership: view, right: PROFILE_RIGHT });
    }
  }

  /** The proof that this device writes as this authority: its genesis and the tree ops of its chain. */
  deviceProof(): Uint8Array {
    const me = this.host.requireIdentity();
    const j = this.host.journals.get(authorityNamespace(me.authorityId));
    const genesis = [...(j?.facts.values() ?? [])].find((f) => f.fact.kind === 'authority.genesis');
    if (!j || !genesis) throw new NodeError('NoIdentity', 'The genesis fact of this identity is missing.');
    // The whole chain: it proves this device and shows every device the authority removed.
    const chain = j.state.tree.applied.map((id) => j.facts.get(id)!);
    return encodeDeviceProof(genesis, chain);
  }

  joinRights(): Map<string, Set<string>> {
    return new Map([[this.host.requireIdentity().authorityId, new Set([JOIN_RIGHT])]]);
  }

  joinCode(ns: Namespace, channel: ChannelId): string {
    const secret = this.secrets.get(namespaceId(ns));
    if (!secret) throw new NodeError('UnknownChannel', 'This channel is not on this device.');
    const name = listChannels(this.host.journals.get(ns)!.state.chat).find((c) => c.id === channel)?.name;
    return encodeJoinCode({ context: namespaceId(ns), secret, ...(name ? { name } : {}) });
  }

  async joinChannel(code: string): Promise<ContextId> {
    this.host.requireIdentity();
    let joined: { context: ContextId; secret: Uint8Array };
    try {
      joined = decodeJoinCode(code);
    } catch (e) {
      if (!(e instanceof JoinCodeError)) throw e;
      throw new NodeError('InvalidJoinCode', `That join code is not valid (${e.message}).`);
    }
    await this.joinContext(joined.context, joined.secret);
    return joined.context;
  }

  /**
   * Writes this device's binding, with the proof of the authority's current tree, into every context it holds:
   * after a device was removed, that proof is what makes every member refuse the removed device (DESIGN §2).
   */
  async announceTree(): Promise<void> {
    const me = this.host.requireIdentity();
    for (const context of [...this.secrets.keys()].sort()) {
      if (context === me.authorityId) continue;
      const view = { context, rights: this.joinRights() };
      await this.host.write({ context, facts: [this.memberBinding(journalOf(context))], membership: view, right: JOIN_RIGHT, announce: true });
    }
  }

  /**
   * Holds a context's secret and, unless this device already writes there for its authority, announces its
   * self-join (a new device of a member joins again, with the proof that it is the authority's).
   */
  async joinContext(context: ContextId, secret: Uint8Array): Promise<void> {
    const me = this.host.requireIdentity();
    await this.adoptSecret(context, secret);
    if (this.host.membersOf(context).devices.get(me.authorityId)?.has(this.host.key.deviceId)) return;
    const view = { context, rights: this.joinRights() };
    await this.host.write({ context, facts: this.joinFacts(journalOf(context)), membership: view, right: JOIN_RIGHT, announce: true });
  }

  /**
   * Holds a context's secret, durable before it is used. A code naming a context we hold with another secret
   * is refused: it would let whoever made it read and write as that context under a key of their choosing.
   */
  async adoptSecret(context: ContextId, secret: Uint8Array): Promise<void> {
    const held = this.secrets.get(context);
    if (held && !equalBytes(held, secret)) throw new NodeError('ContextConflict', 'That code names a channel already on this device, with a different key. It was not used.');
    if (!held) {
      await this.host.deps.store.putContextSecret(context, secret).catch((e: unknown) => {
        throw new NodeError('StorageFailed', `Could not save the channel key: ${(e as Error).message}`);
      });
      this.secrets.set(context, secret);
    }
    this.host.deps.transport?.join(context, secret);
  }

  private peerJoined(context: ContextId, peer: DeviceId): void {
    if (this.host.closed) return;
    let peers = this.topicPeers.get(context);
    if (!peers) this.topicPeers.set(context, (peers = new Set()));
    peers.add(peer);
    this.onPeerJoined(context, peer);
  }
}
