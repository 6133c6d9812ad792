import type { ValidatedFact } from '../../core/facts/fact.ts';
import { journalOf, namespaceKind, type ContextId, type Namespace } from '../../core/ids.ts';
import type { SnapshotsApi, StorageApi, StorageHistory } from '../api-maintenance.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { StorageRing } from './storage-ring.ts';

/** One sample a minute while the node runs on the network, and one after each snapshot settles. */
const SAMPLE_MS = 60_000;

interface Before {
  readonly epoch: number;
  readonly at: number;
  readonly facts: number;
  readonly usage: Promise<number | null>;
}

/**
 * Maintenance → Storage (spec 004): this device's storage over time — the browser's estimate, the facts held
 * and the snapshot bytes stored — in a bounded ring kept in the meta store (`storage-ring.ts`), and for each
 * snapshot that settles here, the context's facts and the origin's usage just before and after its prune.
 */
export class StorageModule implements NodeModule, StorageApi {
  private readonly ring: StorageRing;
  /** Set once the stored facts replayed: a completed snapshot applied before that settled in an earlier run. */
  private live = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly before = new Map<Namespace, Before>();

  constructor(
    private readonly host: NodeHost,
    private readonly snapshots: SnapshotsApi,
  ) {
    this.ring = new StorageRing(host.deps.store);
  }

  async restore(): Promise<void> {
    await this.ring.load();
    this.live = true;
  }

  start(): void {
    const loop = () => {
      if (this.host.closed) return;
      void this.sample();
      this.timer = setTimeout(loop, SAMPLE_MS);
    };
    loop();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  history(): StorageHistory {
    return this.ring.read();
  }

  /** A completed snapshot: the context's facts now, before its settle (queued after this) prunes any. */
  applied(f: ValidatedFact): void {
    if (!this.live || f.fact.kind !== 'maint.snapshotCompleted' || namespaceKind(f.fact.ns) !== 'context') return;
    const epoch = (f as ValidatedFact<'maint.snapshotCompleted'>).fact.body.snapshot.epoch;
    this.before.set(f.fact.ns, { epoch, at: this.host.deps.now(), facts: this.host.journals.get(f.fact.ns)?.facts.size ?? 0, usage: this.usage() });
  }

  /** A snapshot of `context` settled here (stored, its messages pruned): the effect, then a sample. */
  settled(context: ContextId): void {
    void this.afterSettle(context);
  }

  private async afterSettle(context: ContextId): Promise<void> {
    const ns = journalOf(context);
    const b = this.before.get(ns);
    this.before.delete(ns);
    const after = { at: this.host.deps.now(), facts: this.host.journals.get(ns)?.facts.size ?? 0 };
    const usage = await this.usage();
    if (this.host.closed) return;
    if (b) await this.saved(this.ring.noteEffect({ context, epoch: b.epoch, before: { at: b.at, facts: b.facts, usage: await b.usage }, after: { ...after, usage } }));
    await this.sample();
  }

  private async sample(): Promise<void> {
    const estimate = await this.host.deps.store.estimate().catch(() => null);
    if (this.host.closed) return;
    const snapshotBytes = this.snapshots.list().reduce((n, c) => n + (c.latest?.stored?.bytes ?? 0), 0);
    await this.saved(this.ring.push({ at: this.host.deps.now(), usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, facts: this.host.journals.factCount(), snapshotBytes }));
  }

  private async usage(): Promise<number | null> {
    return (await this.host.deps.store.estimate().catch(() => null))?.usage ?? null;
  }

  /** The history changed and was saved: shown (a status bump, no data cache dropped); a failed save is counted. */
  private async saved(write: Promise<void>): Promise<void> {
    const ok = await write.then(
      () => true,
      () => false,
    );
    if (this.host.closed) return;
    if (!ok) this.host.countDrop('storage:SaveFailed');
    this.host.changed(false);
  }
}
