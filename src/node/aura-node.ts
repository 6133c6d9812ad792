import { deviceKeyFromSeed, type DeviceKey } from '../core/crypto/ed25519.ts';
import { AuraError } from '../core/errors.ts';
import type { ValidatedFact } from '../core/facts/fact.ts';
import type { Hlc } from '../core/facts/hlc.ts';
import { restoreFact } from '../core/facts/stored.ts';
import { type AuthorityId, type ChannelId, type ContextId, type FactId } from '../core/ids.ts';
import type { ContextMembers } from '../core/reduce/membership.ts';
import type { NetStatus, Delivery } from '../net/transport.ts';
import type { SyncMetrics } from '../protocols/sync/sync-service.ts';
import type { AppendExtra } from '../store/append.ts';
import { StoreError } from '../store/errors.ts';
import { AccountModule, type AccountView } from './account/account-module.ts';
import { EnrollmentModule } from './account/enrollment-module.ts';
import { ThresholdModule } from './account/threshold-module.ts';
import { CheckpointModule } from './witness/checkpoint-module.ts';
import { AcksModule } from './acks/acks-module.ts';
import { NodeError, type AuraNodeApi, type ChannelSummary, type DeviceInfo, type Identity, type MessageView, type NamesApi, type QueryResult, type StatusDetails } from './api.ts';
import { ChatModule } from './chat/chat-module.ts';
import { ContactsModule } from './contacts/contacts-module.ts';
import { GroupsModule } from './groups/groups-module.ts';
import { GuardiansModule } from './guardians/guardians-module.ts';
import { FaultsModule } from './lab/faults-module.ts';
import { ProposalsModule } from './proposals/proposals-module.ts';
import type { NodeDeps } from './deps.ts';
import { deviceSeed } from './device-seed.ts';
import { Evidence } from './evidence.ts';
import { ChargeLedger } from './host/charges.ts';
import { NodeClock } from './host/clock.ts';
import { IngestPipeline, type IngestResult } from './host/ingest.ts';
import { IDENTITY_META, type NodeHost, type NodeModule, type StoredIdentity } from './host/node-host.ts';
import { guardedWrite, type WriteRequest } from './host/write-path.ts';
import { Journals } from './journals.ts';
import { BackupModule } from './maintenance/backup-module.ts';
import { CachesModule } from './maintenance/caches-module.ts';
import { MembershipModule } from './membership/membership-module.ts';
import { OFFLINE_STATUS } from './offline-status.ts';
import { SnapshotsModule } from './maintenance/snapshots-module.ts';
import { StorageModule } from './maintenance/storage-module.ts';
import { SyncModule } from './sync/sync-module.ts';
import { ForwardingModule } from './forwarding/forwarding-module.ts';
import { LabModule } from './lab/lab-module.ts';
import { UpgradesModule } from './maintenance/upgrades-module.ts';

/**
 * The in-browser Aura node: a small host (lifecycle, device key, clock, the ingest pipeline and the guarded
 * write path) and one module per feature. Queries and commands of the UI's API are the modules'.
 */
export class AuraNode implements AuraNodeApi, NodeHost {
  version = 0;
  closed = false;
  readonly journals = new Journals();
  readonly evidence = new Evidence();
  readonly charges: ChargeLedger;
  private dataVersion = 0;
  private notifyQueued = false;
  private readonly listeners = new Set<() => void>();
  private readonly cache = new Map<string, { version: number; value: unknown }>();
  private readonly clock: NodeClock;
  private readonly pipeline: IngestPipeline;
  private me: StoredIdentity | null = null;
  private readonly membership: MembershipModule;
  readonly chat: ChatModule;
  private readonly accountModule: AccountModule;
  readonly devices: EnrollmentModule;
  readonly threshold: ThresholdModule;
  readonly contacts: ContactsModule;
  readonly groups: GroupsModule;
  readonly proposals: ProposalsModule;
  readonly guardians: GuardiansModule;
  readonly snapshots: SnapshotsModule;
  readonly storage: StorageModule;
  readonly names: NamesApi;
  readonly backups = new BackupModule(this, () => this.close());
  private readonly acks: AcksModule;
  private readonly sync: SyncModule;
  readonly upgrades = new UpgradesModule(this);
  readonly caches = new CachesModule(this);
  readonly forwarding: ForwardingModule;
  readonly faults = new FaultsModule(this);
  readonly lab = new LabModule(this, () => this.faults);
  private readonly modules: readonly NodeModule[];

  private constructor(
    readonly deps: NodeDeps,
    readonly key: DeviceKey,
  ) {
    this.charges = new ChargeLedger(deps);
    this.clock = new NodeClock(deps.now);
    this.membership = new MembershipModule(this);
    this.names = this.membership.names;
    this.chat = new ChatModule(this, this.membership);
    this.accountModule = new AccountModule(this);
    this.devices = new EnrollmentModule(this, this.membership);
    this.threshold = new ThresholdModule(this, this.membership);
    this.contacts = new ContactsModule(this, this.membership, this.chat);
    this.groups = new GroupsModule(this, this.membership, this.contacts);
    this.proposals = new ProposalsModule(this, this.membership);
    this.guardians = new GuardiansModule(this, this.membership, this.contacts, (a, name, facts) => this.becomeIdentity(a, name, facts));
    this.sync = new SyncModule(this, this.membership);
    this.acks = new AcksModule(this, { consistencyOf: (ns, id, t, m) => this.chat.consistencyOf(ns, id, t, m), items: (c) => this.sync.journalHost.items(c) });
    this.sync.useAcks(this.acks);
    this.sync.useVersions(this.upgrades);
    this.forwarding = new ForwardingModule(this, this.membership, this.sync);
    const checkpoints = new CheckpointModule(this, this.membership);
    // After a snapshot settles, the storage history notes it.
    this.snapshots = new SnapshotsModule(this, this.membership, checkpoints, this.sync, (c) => this.storage.settled(c));
    this.storage = new StorageModule(this, this.snapshots);
    this.modules = [this.upgrades, this.membership, this.caches, this.acks, this.sync, this.forwarding, this.devices, this.threshold, this.contacts, this.groups, this.guardians, checkpoints, this.snapshots, this.storage, this.lab];
    this.pipeline = new IngestPipeline({
      journals: this.journals,
      now: deps.now,
      verify: deps.verify,
      commit: (facts) => this.commit(facts, {}),
      admitted: async (context, facts) => {
        this.changed();
        for (const m of this.modules) await m.admitted?.(context, facts);
      },
      countDrop: (r) => this.countDrop(r),
    });
  }

  get profile(): string {
    return this.deps.profile;
  }

  /** Opens a profile's node: creates its device key once, then restores journals and reduced state. */
  static async open(deps: NodeDeps): Promise<AuraNode> {
    const node = new AuraNode(deps, deviceKeyFromSeed(await deviceSeed(deps.store, deps.random)));
    await node.restore();
    return node;
  }

  /** Never fails on stored bytes: a record that no longer decodes is skipped and counted, the rest opens. */
  private async restore(): Promise<void> {
    const { store, transport } = this.deps;
    const [snapshots, records, identity, budgets] = await Promise.all([store.loadSnapshots(), store.loadFacts(), store.getMeta<StoredIdentity>(IDENTITY_META), store.loadBudgets()]);
    this.snapshots.seed(snapshots);
    for (const r of records) {
      const f = restoreFact(r.id, r.bytes);
      if (f === null) this.countDrop('restore:corrupt-fact');
      else this.apply(f);
    }
    this.charges.restore(budgets);
    this.me = identity ?? null;
    for (const m of this.modules) await m.restore?.();
    // Views read while facts replayed saw modules not yet restored: drop them.
    this.changed();
    if (!transport) return;
    transport.onDelivery((d) => void this.receive(d));
    transport.subscribe(() => this.changed(false));
    for (const m of this.modules) m.start?.();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * A change of reduced data (journal) or only of network status. Either bumps `version` at once; listeners
   * are told once per microtask, so a burst of changes costs one render. Query caches key on `dataVersion`,
   * so network chatter never recomputes message views.
   */
  changed(data = true): void {
    this.version++;
    if (data) this.dataVersion++;
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const l of [...this.listeners]) l();
    });
  }

  cached<T>(key: string, compute: () => T): T {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.dataVersion) return hit.value as T;
    const value = compute();
    this.cache.set(key, { version: this.dataVersion, value });
    return value;
  }

  identity(): Identity | null {
    return this.me && { authorityId: this.me.authorityId, deviceId: this.key.deviceId, displayName: this.me.displayName };
  }

  createIdentity(displayName: string): Promise<Identity> {
    return this.accountModule.createIdentity(displayName);
  }

  /** This device is now `authority` (its first device, or one enrolled): durable, then used. */
  async becomeIdentity(authority: AuthorityId, displayName: string, facts: readonly ValidatedFact[] = []): Promise<void> {
    const me: StoredIdentity = { authorityId: authority, displayName };
    await this.commit(facts, { meta: [[IDENTITY_META, me]] });
    this.me = me;
    await this.membership.ensureAccountSecret();
    this.changed();
  }

  requireIdentity(): StoredIdentity {
    this.assertOpen();
    if (!this.me) throw new NodeError('NoIdentity', 'Create an identity first.');
    return this.me;
  }

  assertOpen(): void {
    if (this.closed) throw new NodeError('NodeClosed', 'This tab no longer runs the node for this profile.');
  }

  tick = (): Hlc => this.clock.tick();

  membersOf(context: ContextId): ContextMembers {
    return this.membership.membersOf(context);
  }

  countDrop(reason: string): void {
    this.deps.transport?.countDrop(reason);
  }

  write(req: WriteRequest): Promise<void> {
    return guardedWrite(
      { key: this.key, charges: this.charges, transport: this.membership.gossips(req) ? this.deps.transport : undefined, sender: () => this.requireIdentity().authorityId, removed: () => this.membership.deviceRemoved(), siblings: (c) => this.membership.hasSiblings(c), commit: (f, x) => this.commit(f, x), changed: () => this.changed() },
      req,
    );
  }

  ingest(context: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult> {
    return this.pipeline.ingest(context, facts);
  }

  /** Durable first, then visible: a fact is applied only after its batch committed. */
  async commit(facts: readonly ValidatedFact[], extra: AppendExtra): Promise<void> {
    this.assertOpen();
    try {
      await this.deps.store.appendFacts(facts, extra);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'QuotaExceeded') throw new NodeError('StorageQuotaExceeded', 'The browser refused to store more data for this app.');
      throw new NodeError('StorageFailed', `Could not save: ${(e as Error).message}`);
    }
    for (const f of facts) this.apply(f);
  }

  private apply(f: ValidatedFact): void {
    if (!this.journals.apply(f)) return;
    this.clock.observe(f.fact.time);
    for (const m of this.modules) m.applied?.(f);
  }

  /** A delivery of a context we hold: its facts through the pipeline, then what else it carries (acks). */
  private async receive(d: Delivery): Promise<void> {
    if (this.closed || !this.membership.hasContext(d.context)) return;
    if (d.facts.length > 0) await this.ingest(d.context, d.facts);
    for (const m of this.modules) {
      await m.delivered?.(d).catch((e: unknown) => this.countDrop(`delivery:${e instanceof AuraError ? e.code : 'Error'}`));
    }
  }

  // Plain delegations to the modules that own them.
  channels = (): QueryResult<readonly ChannelSummary[]> => this.chat.channels();
  createChannel = (name: string): Promise<ChannelId> => this.chat.createChannel(name);
  messages = (channel: ChannelId, limit?: number): QueryResult<readonly MessageView[]> => this.chat.messages(channel, limit);
  sendMessage = (channel: ChannelId, text: string): Promise<FactId> => this.chat.sendMessage(channel, text);
  statusDetails = (id: FactId): StatusDetails | null => this.chat.statusDetails(id);
  account = (): AccountView | null => this.accountModule.account();
  joinCode = (channel: ChannelId): string => this.chat.joinCode(channel);

  joinChannel = (code: string): Promise<ContextId> => this.membership.joinChannel(code);
  network = (): NetStatus => this.deps.transport?.status() ?? OFFLINE_STATUS;
  syncMetrics = (): SyncMetrics | null => this.sync.metrics();
  deviceInfo = (): Promise<DeviceInfo> => this.accountModule.deviceInfo();

  /** Runs anti-entropy with every connected peer now (tests, and the network panel's "Sync now"). */
  syncNow = (): Promise<void> => this.sync.syncNow();
  /** Resolves once no ack GC run is scheduled or running (tests; the node itself never waits for GC). */
  whenAckGcIdle = (): Promise<void> => this.acks.idle();

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pipeline.stop();
    for (const m of [...this.modules].reverse()) await m.stop?.();
    await this.charges.flush();
    await this.deps.transport?.stop();
    this.deps.store.close();
    this.changed();
    this.listeners.clear();
  }
}
