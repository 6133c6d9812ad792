import type { ValidatedFact } from '../../core/facts/fact.ts';
import { authorityNamespace, type Epoch, type FactId } from '../../core/ids.ts';
import { cacheFloor } from '../../core/reduce/cache-floors.ts';
import { writeAccountFact } from '../account/tree-write.ts';
import { NodeError } from '../api.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import { accountCaches, CACHE_KEYS, type CacheKey } from './cache-keys.ts';
import { owedInvalidations } from './cache-publishers.ts';
import { AckSummariesCache, ReachedCache, type GuardedCache } from './guarded-caches.ts';

export interface CachesView {
  /** The account's tree epoch: what "Rebuild caches" sets as the floor. */
  readonly epoch: Epoch;
  readonly caches: readonly { readonly key: CacheKey; readonly floor: Epoch | null; readonly discarded: number }[];
}

/**
 * CacheInvalidated (spec 004 §3, `node.caches`): the persisted derived state read at cold start, each under
 * its key (`cache-keys.ts`), is checked against the floors this device's own reducer holds for the account
 * journal — at restore, before the modules that read it, and whenever a fact of that journal changes a
 * floor or the tree epoch. What is stamped at or below its floor is discarded and rebuilt
 * (`guarded-caches.ts`). Only counted facts move a floor: a fact the authorization gate holds or refuses
 * changes nothing, whatever it claims.
 */
export class CachesModule implements NodeModule {
  private readonly caches: readonly GuardedCache[];
  /** Per key, the (floor, epoch) last enforced. */
  private readonly enforced = new Map<CacheKey, string>();
  private readonly discarded = new Map<CacheKey, number>();
  /** Mutations whose CacheInvalidated this device wrote (or is writing) since it started. */
  private readonly published = new Set<FactId>();
  private restored = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly host: NodeHost) {
    this.caches = [new AckSummariesCache(host), new ReachedCache(host)];
  }

  async restore(): Promise<void> {
    await this.enforce();
    this.restored = true;
  }

  applied(f: ValidatedFact): void {
    const me = this.host.identity();
    if (!this.restored || !me || f.fact.ns !== authorityNamespace(me.authorityId)) return;
    if (this.caches.some((c) => this.due(c.key) !== null)) this.queue = this.queue.then(() => this.enforce());
    this.publishOwed();
  }

  /** Resolves once no enforcement is queued or running (tests). */
  async idle(): Promise<void> {
    let q: Promise<void>;
    do await (q = this.queue);
    while (q !== this.queue);
  }

  /**
   * "Rebuild caches on all my devices": one fact naming every key with floor = the current epoch. Each device
   * of the account discards and rebuilds when its own reducer counts it.
   */
  async rebuildAll(): Promise<FactId> {
    const a = accountCaches(this.host);
    if (!a) throw new NodeError('NoIdentity', 'Create an identity first.');
    return writeAccountFact(this.host, 'maint.cacheInvalidated', { keys: [...CACHE_KEYS], epochFloor: a.epoch });
  }

  /** Writes the CacheInvalidated facts this device's own mutations owe (`cache-publishers.ts`), each once. */
  private publishOwed(): void {
    const a = accountCaches(this.host);
    if (!a) return;
    for (const { cause, floor } of owedInvalidations(a.maintenance, this.host.key.deviceId)) {
      if (this.published.has(cause)) continue;
      this.published.add(cause);
      // After the batch that counted the mutation is applied, not inside it.
      const write = () => writeAccountFact(this.host, 'maint.cacheInvalidated', { keys: [...CACHE_KEYS], epochFloor: floor });
      this.queue = this.queue.then(write).then(
        () => undefined,
        () => {
          // Owed still: tried again with the account journal's next fact.
          this.published.delete(cause);
          this.host.countDrop('cache:NotPublished');
        },
      );
    }
  }

  view(): CachesView | null {
    const a = accountCaches(this.host);
    if (!a) return null;
    return { epoch: a.epoch, caches: CACHE_KEYS.map((key) => ({ key, floor: cacheFloor(a.maintenance, key), discarded: this.discarded.get(key) ?? 0 })) };
  }

  /** The floor to enforce for `key` now, or null when it is unset or already enforced at this epoch. */
  private due(key: CacheKey): Epoch | null {
    const a = accountCaches(this.host);
    const floor = a && cacheFloor(a.maintenance, key);
    if (floor === null || floor === undefined) return null;
    return this.enforced.get(key) === `${floor}@${a!.epoch}` ? null : floor;
  }

  private async enforce(): Promise<void> {
    for (const c of this.caches) {
      const floor = this.due(c.key);
      if (floor === null) continue;
      this.enforced.set(c.key, `${floor}@${accountCaches(this.host)!.epoch}`);
      try {
        const n = await c.enforce(floor);
        this.discarded.set(c.key, (this.discarded.get(c.key) ?? 0) + n);
        if (n > 0) this.host.changed();
      } catch {
        // Not discarded (a store failure): tried again at the next change and at the next start.
        this.enforced.delete(c.key);
        this.host.countDrop(`cache:${c.key}`);
      }
    }
  }
}
