import { createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import type { AuraNodeApi } from './api.ts';
import type { Booter, BootState } from './boot-api.ts';

export const NodeContext = createContext<AuraNodeApi | null>(null);

export function useNode(): AuraNodeApi {
  const node = useContext(NodeContext);
  if (!node) throw new Error('useNode outside <NodeContext.Provider>');
  return node;
}

/**
 * Re-renders when the node changes and re-runs `select` only then. The node notifies synchronously after
 * each applied change, so a view updates in the next frame.
 */
export function useNodeQuery<T>(select: (node: AuraNodeApi) => T, deps: readonly unknown[] = []): T {
  const node = useNode();
  const version = useSyncExternalStore(node.subscribe, () => node.version);
  return useMemo(() => select(node), [node, version, ...deps]);
}

export function useBootState(booter: Booter): BootState {
  return useSyncExternalStore(booter.subscribe, () => booter.state);
}
