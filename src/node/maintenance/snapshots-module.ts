import { hashValue } from '../../core/crypto/hash.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { compareHlc, type Hlc } from '../../core/facts/hlc.ts';
import { journalOf, namespaceId, namespaceKind, type ContextId, type Hash32, type Namespace } from '../../core/ids.ts';
import { messageCount } from '../../core/reduce/chat.ts';
import { committedBy } from '../../core/reduce/agreement.ts';
import { latestSnapshot } from '../../core/reduce/maintenance.ts';
import { compareFacts } from '../../core/reduce/stamp.ts';
import { cidOf } from '../../core/encoding/cid.ts';
import { decodeSnapshot, SnapshotError, snapshotConsensusId, type SnapshotBlob } from '../../core/snapshot/blob.ts';
import type { CommitDecision } from '../../protocols/consensus/execute.ts';
import type { StoredSnapshot } from '../../store/snapshots.ts';
import type { ContextSnapshots, SnapshotsApi } from '../api-maintenance.ts';
import { NodeError } from '../api.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import type { LiveJournal } from '../journals.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { witnessesOf, type CheckpointModule } from '../witness/checkpoint-module.ts';
import type { SyncModule } from '../sync/sync-module.ts';
import { SnapshotBuilds, type Proposal } from './snapshot-builds.ts';
import { SnapshotTransfer } from './snapshot-transfer.ts';
import { contextSnapshots, type StoredSummary } from './snapshot-list.ts';

/** The cut lies this far in the past: what was written before it has reached the witnesses (the writer fence). */
const FENCE_MS = 2_000;
const DEFAULT_EVERY = 10_000;
const TICK_MS = 3_000;
/** A proposal's consensus is put to the witnesses again after 3 s, doubling to 60 s, until it completes. */
const RETRY_MS = 3_000;
const RETRY_MAX_MS = 60_000;


/**
 * Snapshots of contexts (spec 004 §2, DESIGN §8): any member proposes one (a cut a little in the past, the blob's
 * digest); the context's first witness puts it to the witnesses, each of which builds the blob from its own facts
 * and signs only the same digest; the commit completes it; every device that builds the same blob stores it
 * and prunes the messages it covers, atomically. Cold start seeds those messages before the stored facts replay.
 */
export class SnapshotsModule implements NodeModule, SnapshotsApi {
  private readonly stored = new Map<Namespace, StoredSummary>();
  private readonly builds: SnapshotBuilds;
  private readonly tried = new Map<string, { at: number; tries: number }>();
  private readonly settling = new Set<Namespace>();
  /** Completed snapshots this device could not build (it lacks covered facts): their blobs, by CID, to fetch. */
  private readonly wants = new Map<Namespace, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly witnesses: CheckpointModule,
    private readonly sync: SyncModule,
    /** Told after each snapshot this device stores (the storage history notes it). */
    private readonly settled: (context: ContextId) => void = () => undefined,
  ) {
    this.builds = new SnapshotBuilds(host);
    sync.useSnapshots(
      new SnapshotTransfer({
        wanted: (ns) => this.wanted(ns),
        stored: (ns) => this.stored.get(ns)?.blobCid ?? null,
        load: (ns) => host.deps.store.loadSnapshot(ns),
        adopt: (ns, cid, bytes) => this.adopt(ns, cid, bytes),
      }),
    );
    witnesses.decisions = {
      prestate: (context, d) => this.prestate(context, d),
      waiting: (context) => {
        const j = this.host.journals.get(journalOf(context));
        return j !== undefined && this.pendingProposal(j) !== null;
      },
    };
  }

  /** Cold start, before the stored facts replay: each stored snapshot's messages into its journal. */
  seed(records: readonly StoredSnapshot[]): void {
    for (const r of records) {
      try {
        const blob = decodeSnapshot(r.bytes, r.blobCid);
        this.host.journals.seed(blob);
        this.stored.set(r.ns, { ns: r.ns, epoch: r.epoch, blobCid: r.blobCid, pruned: r.pruned, size: r.bytes.length, covered: blob.messages.length });
      } catch (e) {
        if (!(e instanceof SnapshotError)) throw e;
        this.host.countDrop(`restore:snapshot-${e.code}`);
      }
    }
  }

  start(): void {
    const loop = () => {
      if (this.host.closed) return;
      this.tick();
      this.timer = setTimeout(loop, TICK_MS);
    };
    loop();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  applied(f: ValidatedFact): void {
    if (namespaceKind(f.fact.ns) !== 'context') return;
    const ns = f.fact.ns;
    if (f.fact.kind === 'maint.snapshotProposed') queueMicrotask(() => this.drive(ns));
    else if (f.fact.kind === 'consensus.commit' && (f as ValidatedFact<'consensus.commit'>).fact.body.consensusId.startsWith('snapshot:')) queueMicrotask(() => void this.complete(ns));
    else if (f.fact.kind === 'maint.snapshotCompleted') queueMicrotask(() => void this.settle(ns));
  }

  async takeSnapshot(context: ContextId): Promise<void> {
    const ns = journalOf(context);
    if (witnessesOf(this.host, context).length < 2) throw new NodeError('NoWitnessGroup', 'A snapshot needs the witnesses of two or more members.');
    const j = this.host.journals.get(ns);
    const cut = j && this.cutOf(j);
    if (!j || !cut) throw new NodeError('NothingToSnapshot', 'Nothing new to snapshot yet.');
    const epoch = (latestSnapshot(j.state.maintenance)?.snapshot.epoch ?? 0) + 1;
    const { digest, blobCid } = this.builds.build(ns, epoch, cut);
    const fact = draft(this.host, ns, 'maint.snapshotProposed', { proposalId: `${epoch}-${digest.slice(0, 16)}`, targetEpoch: epoch, digest, cut, blobCid });
    await this.host.write({ context, facts: [fact], membership: this.host.membersOf(context).view, right: 'witness', announce: true });
  }

  list(): readonly ContextSnapshots[] {
    return this.host.cached('snapshots', () => {
      const me = this.host.identity()?.authorityId;
      const out: ContextSnapshots[] = [];
      for (const context of [...this.membership.secretsView().keys()].sort()) {
        const j = this.host.journals.get(journalOf(context));
        if (context === me || !j) continue;
        out.push(
          contextSnapshots(this.host, j, {
            stored: this.stored.get(j.ns),
            covered: (proposalId) => this.covered(j.ns, proposalId),
            pending: this.pendingProposal(j),
            nameOf: (a) => this.membership.names.nameOf(a),
          }),
        );
      }
      return out;
    });
  }

  /** Messages the latest snapshot covers: from the stored one (also after a restart), else from this device's build. */
  private covered(ns: Namespace, proposalId: string): number {
    return this.stored.get(ns)?.covered ?? this.builds.covered(proposalId);
  }

  /** The newest counted fact old enough to lie behind the fence, if it is past the latest snapshot's cut. */
  private cutOf(j: LiveJournal): Hlc | null {
    const bound = this.host.deps.now() - FENCE_MS;
    let cut: Hlc | null = null;
    for (const f of j.facts.values()) if (f.fact.time.wall <= bound && (cut === null || compareHlc(f.fact.time, cut) > 0)) cut = f.fact.time;
    const latest = latestSnapshot(j.state.maintenance);
    const previous = latest && j.state.maintenance.proposed.get(latest.proposalId)?.fact.body.cut;
    return cut && (!previous || compareHlc(cut, previous) > 0) ? { wall: cut.wall, logical: cut.logical } : null;
  }

  /**
   * The open proposal for the next epoch, latest by fact order: a doctored or unsigned proposal (or one naming a
   * far epoch) cannot hold back an honest one written after it.
   */
  private pendingProposal(j: LiveJournal): Proposal | null {
    const next = (latestSnapshot(j.state.maintenance)?.snapshot.epoch ?? 0) + 1;
    let newest: Proposal | null = null;
    for (const p of j.state.maintenance.proposed.values()) if (p.fact.body.targetEpoch === next && (!newest || compareFacts(p, newest) > 0)) newest = p;
    return newest;
  }

  private tick(): void {
    const every = this.host.deps.snapshotEvery ?? DEFAULT_EVERY;
    for (const context of this.membership.secretsView().keys()) {
      const j = this.host.journals.get(journalOf(context));
      if (!j) continue;
      const latest = latestSnapshot(j.state.maintenance);
      const held = !latest || this.stored.get(j.ns)?.blobCid === latest.snapshot.blobCid;
      // A completion counted but not stored (after a restart, say): built here once, else its blob is fetched.
      if (!held && this.wants.get(j.ns) !== latest.snapshot.blobCid) void this.settle(j.ns);
      if (!this.witnesses.isProposer(context)) continue;
      this.drive(j.ns);
      // A completed snapshot this device has not stored yet (it is settling, or fetching its blob) waits.
      if (!held) continue;
      const covered = latest ? this.covered(j.ns, latest.proposalId) : 0;
      if (!this.pendingProposal(j) && messageCount(j.state.chat) - covered >= every) this.takeSnapshot(context).catch(() => this.host.countDrop('snapshot:ProposeFailed'));
    }
  }

  /** The blob of the latest completion, if this device could not build it and does not store it. */
  private wanted(ns: Namespace): string | null {
    const j = this.host.journals.get(ns);
    const latest = j && latestSnapshot(j.state.maintenance);
    const cid = latest?.snapshot.blobCid;
    return cid !== undefined && this.wants.get(ns) === cid && this.stored.get(ns)?.blobCid !== cid ? cid : null;
  }

  /** The first witness puts the newest open proposal to the witnesses (again after RETRY_MS while it is open). */
  private drive(ns: Namespace): void {
    const context = namespaceId(ns);
    const j = this.host.journals.get(ns);
    const p = j && this.pendingProposal(j);
    if (!p || !this.witnesses.isProposer(context)) return;
    const now = this.host.deps.now();
    const last = this.tried.get(p.id);
    if (last && now - last.at < Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** (last.tries - 1))) return;
    const body = p.fact.body;
    // A retry of a proposal we cannot sign ourselves (doctored, or a fact stamped below its cut came late): it can
    // never complete, so a fresh proposal at a newer cut replaces it rather than wedging the context's snapshots.
    if (last && !this.builds.reproduces(p)) {
      this.tried.set(p.id, { at: now, tries: last.tries + 1 });
      return void this.takeSnapshot(context).catch(() => this.host.countDrop('snapshot:ProposeFailed'));
    }
    if (this.witnesses.propose(context, { consensusId: snapshotConsensusId(body.proposalId), prestateHash: body.digest, covers: [p.id] })) this.tried.set(p.id, { at: now, tries: (last?.tries ?? 0) + 1 });
  }

  /** What this witness holds for a snapshot decision: the proposal's digest only if its own blob has it. */
  private prestate(context: ContextId, d: CommitDecision): Hash32 | null {
    if (!d.consensusId.startsWith('snapshot:')) return null;
    const ns = journalOf(context);
    const p = this.host.journals.get(ns)?.state.maintenance.proposed.get(d.consensusId.slice('snapshot:'.length));
    const mismatch = hashValue('aura/snapshot/mismatch', d.consensusId);
    return p && d.covers.length === 1 && d.covers[0] === p.id && this.builds.reproduces(p) ? p.fact.body.digest : mismatch;
  }

  /** The first witness records the completion once the witnesses' commit counts. */
  private async complete(ns: Namespace): Promise<void> {
    const j = this.host.journals.get(ns);
    const p = j && this.pendingProposal(j);
    if (!p || !this.witnesses.isProposer(namespaceId(ns))) return;
    const { proposalId, targetEpoch, digest, blobCid } = p.fact.body;
    const commit = committedBy(j.state.agreement, snapshotConsensusId(proposalId)).find((c) => c.prestateHash === digest);
    const commitFact = commit && [...j.facts.values()].find((f) => f.fact.kind === 'consensus.commit' && (f as ValidatedFact<'consensus.commit'>).fact.body.consensusId === commit.consensusId);
    if (!commitFact) return;
    const signature = (commitFact as ValidatedFact<'consensus.commit'>).fact.body.signature;
    try {
      const fact = draft(this.host, ns, 'maint.snapshotCompleted', { proposalId, snapshot: { epoch: targetEpoch, digest, blobCid }, thresholdSignature: signature });
      await this.host.write({ context: namespaceId(ns), facts: [fact], membership: this.host.membersOf(namespaceId(ns)).view, right: 'witness', announce: true });
    } catch {
      this.host.countDrop('snapshot:WriteFailed');
    }
  }

  /** A completed snapshot this device can build itself: stored, and the messages it covers pruned, atomically. */
  private async settle(ns: Namespace): Promise<void> {
    const j = this.host.journals.get(ns);
    const latest = j && latestSnapshot(j.state.maintenance);
    const p = latest && j.state.maintenance.proposed.get(latest.proposalId);
    if (!p || this.stored.get(ns)?.blobCid === latest.snapshot.blobCid || this.settling.has(ns)) return;
    const { targetEpoch, cut, proposalId } = p.fact.body;
    const built = this.builds.build(ns, targetEpoch, cut, proposalId);
    // Another blob: this device lacks covered facts (it joined after they were pruned) or holds others below
    // the cut. It keeps every fact and fetches the witnesses' blob from a member instead.
    if (built.blobCid !== latest.snapshot.blobCid) {
      this.wants.set(ns, latest.snapshot.blobCid);
      return this.host.countDrop('snapshot:Mismatch');
    }
    await this.keep(ns, built.blob, built.bytes, built.blobCid);
  }

  /**
   * A blob fetched from a member: it must be the bytes the counted completion names (the witnesses' threshold
   * signature covers its digest, which covers its CID), of this namespace and epoch. Its whole facts this device
   * lacks pass the usual validation; its messages are seeded. False: refused, counted.
   */
  private async adopt(ns: Namespace, cid: string, bytes: Uint8Array): Promise<boolean> {
    const j = this.host.journals.get(ns);
    const latest = j && latestSnapshot(j.state.maintenance);
    if (!latest || latest.snapshot.blobCid !== cid || this.stored.get(ns)?.blobCid === cid) return true;
    let blob: SnapshotBlob;
    try {
      blob = decodeSnapshot(bytes, cid);
      if (blob.ns !== ns || blob.epoch !== latest.snapshot.epoch) throw new SnapshotError('Malformed', 'another namespace or epoch');
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      this.host.countDrop(`snapshot:${e.code}`);
      return false;
    }
    const missing = blob.facts.filter((f) => !this.host.journals.holds(ns, cidOf(f)));
    if (missing.length > 0) await this.host.ingest(namespaceId(ns), missing);
    await this.keep(ns, blob, bytes, cid);
    return true;
  }

  /** Stores a blob and prunes the messages it covers in one transaction, then seeds what this device lacked. */
  private async keep(ns: Namespace, blob: SnapshotBlob, bytes: Uint8Array, blobCid: string): Promise<void> {
    const j = this.host.journals.get(ns);
    if (!j || this.settling.has(ns)) return;
    this.settling.add(ns);
    try {
      const prune = blob.messages.map((m) => m[0]).filter((id) => j.facts.has(id));
      const record: StoredSnapshot = { ns, epoch: blob.epoch, blobCid, bytes, pruned: (this.stored.get(ns)?.pruned ?? 0) + prune.length };
      await this.host.deps.store.saveSnapshot(record, prune);
      this.host.journals.seed(blob);
      this.host.journals.prune(ns, prune);
      this.sync.journalHost.forget(namespaceId(ns));
      this.settled(namespaceId(ns));
      this.wants.delete(ns);
      this.stored.set(ns, { ns, epoch: record.epoch, blobCid, pruned: record.pruned, size: bytes.length, covered: blob.messages.length });
      this.host.changed();
    } catch {
      this.host.countDrop('snapshot:SaveFailed');
    } finally {
      this.settling.delete(ns);
    }
  }
}
