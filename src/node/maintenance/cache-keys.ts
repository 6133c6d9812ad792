import { cacheStamp } from '../../core/reduce/cache-floors.ts';
import { authorityNamespace, type Epoch } from '../../core/ids.ts';
import type { MaintenanceState } from '../../core/reduce/maintenance.ts';
import { currentTree } from '../../core/reduce/tree/tree-reducer.ts';
import type { NodeHost } from '../host/node-host.ts';

/**
 * The persisted derived state a device reads at cold start, each under its CacheInvalidated key (spec 004
 * §3): ack summaries (evidence of Delivered once ack GC dropped the acks, `store/acks.ts`) and the reach of
 * reconciliations (evidence of Sent, meta `sync-reached`). Both are rebuilt from what they derive from:
 * acks asked for again in sync sessions, reconciliations run again.
 */
export const CACHE_KEYS = ['acks/summaries', 'sync/reached'] as const;
export type CacheKey = (typeof CACHE_KEYS)[number];

/** The account's reduced maintenance state and tree epoch (null before the identity exists). */
export function accountCaches(host: NodeHost): { readonly maintenance: MaintenanceState; readonly epoch: Epoch } | null {
  const me = host.identity();
  const st = me ? host.journals.get(authorityNamespace(me.authorityId))?.state : undefined;
  const head = st && currentTree(st.tree);
  return st && head ? { maintenance: st.maintenance, epoch: head.epoch } : null;
}

/** The epoch an entry of `key` computed now is stamped with (core's `cacheStamp`; 0 before the identity exists). */
export function stampOf(host: NodeHost, key: CacheKey): Epoch {
  const a = accountCaches(host);
  return a ? cacheStamp(a.maintenance, key, a.epoch) : 0;
}
