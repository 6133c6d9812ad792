import { TOPIC_RECIPIENT } from '../../core/flow/send-cost.ts';
import { authorityNamespace, namespaceId, type AuthorityId, type ContextId, type DeviceId } from '../../core/ids.ts';
import { mayWrite } from '../../core/reduce/membership.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { ChargeResult } from '../../protocols/sync/charge.ts';
import type { SyncOutcome } from '../../protocols/sync/session.ts';
import { SyncService, type SyncMetrics } from '../../protocols/sync/sync-service.ts';
import type { SyncNet } from '../../protocols/sync/sync-net.ts';
import type { AcksModule } from '../acks/acks-module.ts';
import type { ReachedRecord } from '../evidence.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { JournalSyncHost } from './journal-sync-host.ts';
import type { SnapshotTransferHost, VersionPolicy } from '../../protocols/sync/sync-host.ts';
import { PROTOCOL_VERSION } from '../../core/version.ts';
import { isVersionFailure } from '../../protocols/sync/version-gate.ts';

/** Evidence of reconciliations (`ReachedRecord`), guarded as the cache `sync/reached` (`maintenance/caches-module.ts`). */
export const REACHED_META = 'sync-reached';

/**
 * Anti-entropy in the node: the journals as the sync protocol sees them, the sync service (every frame
 * charged to the peer's budget before it is sent), and the evidence a finished reconciliation gives.
 */
export class SyncModule implements NodeModule {
  readonly journalHost: JournalSyncHost;
  private service: SyncService | null = null;
  private acks: AcksModule | null = null;
  private versions: VersionPolicy | null = null;
  private snapshots: SnapshotTransferHost | null = null;
  private net: (() => SyncNet) | null = null;

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
  ) {
    this.journalHost = new JournalSyncHost({
      journals: host.journals,
      device: host.key.deviceId,
      authority: () => host.identity()?.authorityId,
      secrets: () => membership.secretsView(),
      proofSecret: (c) => membership.proofSecret(c),
      topicPeers: (c) => membership.topicPeersOf(c),
      membersOf: (c) => host.membersOf(c),
      ingest: (context, facts) => host.ingest(context, facts),
      wantedAcks: (context, peer) => this.acks?.wanted(context, peer) ?? [],
      acksFor: (context, keys) => this.acks?.servedFor(context, keys) ?? Promise.resolve([]),
      receiveAcks: (context, acks) => this.acks?.receive(context, acks) ?? Promise.resolve(),
      // Until the upgrades module is set: this build's version, nothing required.
      versions: {
        version: () => this.versions?.version() ?? PROTOCOL_VERSION,
        requiredVersion: () => this.versions?.requiredVersion() ?? null,
        peerVersion: (peer, v) => this.versions?.peerVersion(peer, v),
        refusedVersion: (peer, failure) => this.versions?.refusedVersion(peer, failure),
      },
      // Until the snapshots module is set: nothing asked for, nothing served.
      snapshots: {
        wantedSnapshot: (context) => this.snapshots?.wantedSnapshot(context) ?? null,
        snapshotBlob: (context, cid) => this.snapshots?.snapshotBlob(context, cid) ?? Promise.resolve(null),
        snapshotPart: (context, cid, offset, part, size) => this.snapshots?.snapshotPart(context, cid, offset, part, size) ?? Promise.resolve(false),
      },
    });
    membership.onPeerJoined = (_context, peer) => this.service?.contact(peer);
  }

  /** The upgrades module decides what this device runs and requires of peers (set once both exist). */
  useVersions(versions: VersionPolicy): void {
    this.versions = versions;
  }

  /** The snapshots module asks for, serves and receives snapshot blobs inside sessions (set once both exist). */
  useSnapshots(snapshots: SnapshotTransferHost): void {
    this.snapshots = snapshots;
  }

  /** The forwarding module's network (direct links, and forwarding through a member): asked for at start. */
  useNet(net: () => SyncNet): void {
    this.net = net;
  }

  /** The acks module answers and asks for acks inside sessions (set once both exist). */
  useAcks(acks: AcksModule): void {
    this.acks = acks;
  }

  applied(f: ValidatedFact): void {
    this.journalHost.noteApplied(namespaceId(f.fact.ns), f);
  }

  async restore(): Promise<void> {
    this.host.evidence.restoreReached((await this.host.deps.store.getMeta<ReachedRecord>(REACHED_META)) ?? {});
  }

  start(): void {
    const { deps } = this.host;
    this.service = new SyncService(
      this.journalHost,
      this.net?.() ?? deps.transport!,
      {
        now: deps.now,
        random: () => deps.random(1)[0]! / 256,
        intervalMs: deps.syncIntervalMs ?? [3_000, 5_000],
        epoch: () => this.identityEpoch(),
        self: this.host.key.deviceId,
        charge: (peer, context, frames) => this.charge(peer, context, frames),
      },
      (o) => void this.finished(o),
      () => this.host.changed(false),
    );
    this.service.start();
  }

  async stop(): Promise<void> {
    this.service?.stop();
  }

  metrics(): SyncMetrics | null {
    return this.service?.metrics() ?? null;
  }

  async syncNow(): Promise<void> {
    await this.service?.syncAll(true);
  }

  /** A frame to a member's device is charged to that member's budget; to a device not yet known, to the topic. */
  private charge(peer: DeviceId, context: ContextId, frames: number): ChargeResult {
    const c = this.host.charges.charge(context, [this.authorityOf(context, peer) ?? TOPIC_RECIPIENT], 'syncFrame', frames);
    return c.ok ? { ok: true } : { ok: false, resumeAt: c.resumeAt };
  }

  private authorityOf(context: ContextId, device: DeviceId): AuthorityId | undefined {
    const m = this.host.membersOf(context);
    return [...m.devices.keys()].find((a) => mayWrite(m, a, device));
  }

  /** The epoch of this authority's commitment tree: sync sessions begun under an older one are aborted. */
  private identityEpoch(): number {
    const me = this.host.identity();
    const st = me && this.host.journals.get(authorityNamespace(me.authorityId))?.state;
    return (st && currentTree(st.tree)?.epoch) ?? 0;
  }

  /** A finished reconciliation is evidence: the peer's authority now holds what we had when it began. */
  private async finished(o: SyncOutcome): Promise<void> {
    // A version refusal was counted where it was decided; it says nothing about what the peer holds.
    if (isVersionFailure(o.failure)) return;
    if (o.failure === 'Denied') {
      // It is on the topic without holding the context (an observer): no evidence either way; stop asking.
      this.membership.forgetTopicPeer(o.context, o.peer);
      return;
    }
    if (o.ok) {
      const member = this.authorityOf(o.context, o.peer);
      if (member) this.host.evidence.observeSync(o.context, member, o.startedAt);
      await this.host.deps.store.setMeta(REACHED_META, this.host.evidence.reachedRecord()).catch(() => undefined);
    } else if (o.failure !== 'Budget') this.host.evidence.observeFailure(o.context, this.host.deps.now(), o.error ?? 'sync failed');
    this.host.changed();
  }
}
