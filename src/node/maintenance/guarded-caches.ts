import { journalOf, namespaceId, namespaceKind, type Epoch, type FactId } from '../../core/ids.ts';
import { memberList } from '../../core/reduce/membership.ts';
import type { Retrack } from '../../store/acks.ts';
import type { NodeHost } from '../host/node-host.ts';
import { REACHED_META } from '../sync/sync-module.ts';
import { stampOf, type CacheKey } from './cache-keys.ts';

/** One persisted derived state under a CacheInvalidated key. */
export interface GuardedCache {
  readonly key: CacheKey;
  /** Discards what is stamped at or below `floor` and starts its rebuild; resolves to how many entries went. */
  enforce(floor: Epoch): Promise<number>;
}

/**
 * `acks/summaries`: each summary is stamped when ack GC writes it (`AcksModule`). A stale one is deleted and
 * its fact tracked again for the context's other members as they are now (not the summary's own list, which
 * is what is in doubt), in one transaction; the evidence forgets it, so Delivered waits for the acks that
 * sync sessions ask for again (`AcksModule.wanted`), and ack GC writes a fresh summary once they are in.
 */
export class AckSummariesCache implements GuardedCache {
  readonly key = 'acks/summaries';

  constructor(private readonly host: NodeHost) {}

  async enforce(floor: Epoch): Promise<number> {
    const { store } = this.host.deps;
    const stale = (await store.ackSummaries()).filter((s) => (s.epoch ?? 0) <= floor);
    if (stale.length === 0) return 0;
    const dropped = await store.retrackStale(stale.map((s) => this.retrack(s.factId)), floor);
    for (const id of dropped) this.host.evidence.forget(id);
    if (dropped.length > 0) this.host.changed();
    return dropped.length;
  }

  private retrack(factId: FactId): Retrack {
    const f = this.host.journals.fact(factId);
    const me = this.host.identity();
    if (!f || !me || namespaceKind(f.fact.ns) !== 'context') return { factId, expected: null };
    const context = namespaceId(f.fact.ns);
    if (journalOf(context) !== f.fact.ns) return { factId, expected: null };
    return { factId, expected: memberList(this.host.membersOf(context).view).filter((a) => a !== me.authorityId) };
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Where the stamp of the whole `sync-reached` record is kept: one stamp, that of its oldest entry. */
export const REACHED_EPOCH_META = 'sync-reached-epoch';

/**
 * `sync/reached`: one record for every context and member, stamped as a whole with the epoch it was last
 * started empty at (so with its oldest entry; none yet reads as 0). Stale, it is emptied with a new stamp in
 * one write; reach comes back with the next reconciliation with each member.
 */
export class ReachedCache implements GuardedCache {
  readonly key = 'sync/reached';

  constructor(private readonly host: NodeHost) {}

  async enforce(floor: Epoch): Promise<number> {
    const { store } = this.host.deps;
    const [stamp, record] = await Promise.all([store.getMeta<unknown>(REACHED_EPOCH_META), store.getMeta<unknown>(REACHED_META)]);
    if (typeof stamp === 'number' && stamp > floor) return 0;
    const entries = isRecord(record) ? Object.values(record).reduce<number>((n, m) => n + (isRecord(m) ? Object.keys(m).length : 0), 0) : 0;
    // Forgotten first: a reconciliation finishing meanwhile saves what is left, and our write comes after it.
    this.host.evidence.forgetReached();
    await store.appendFacts([], { meta: [[REACHED_META, {}], [REACHED_EPOCH_META, stampOf(this.host, this.key)]] });
    this.host.changed();
    return entries;
  }
}
