import { createContext, useContext, useMemo, useSyncExternalStore } from 'react';
import type { AuraNodeApi } from './api.ts';
import type { Booter, BootState } from './boot-api.ts';

export const NodeContext = createContext<AuraNodeApi | null>(null);

export function useNode(): AuraNodeApi {
  const node = useContext(NodeContext);
  if (!node) throw new Error('useNode outside <NodeContext.Provider>');
  return node;
}

/** Runs `fn` at the next frame; a hidden tab gets no frames, so there a short timer instead. */
function nextFrame(fn: () => void): () => void {
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
    const id = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(fn, 50);
  return () => clearTimeout(id);
}

const perFrame = new WeakMap<AuraNodeApi, (listener: () => void) => () => void>();

/**
 * The node's subscription, told at most once per frame: a burst of sends, deliveries and acks changes the node
 * hundreds of times a second, and rendering each change cost more than the changes themselves (issue 15 §7).
 */
function frameSubscribe(node: AuraNodeApi): (listener: () => void) => () => void {
  let s = perFrame.get(node);
  if (!s) {
    s = (listener) => {
      let cancel: (() => void) | null = null;
      const unsubscribe = node.subscribe(() => {
        cancel ??= nextFrame(() => {
          cancel = null;
          listener();
        });
      });
      return () => {
        cancel?.();
        unsubscribe();
      };
    };
    perFrame.set(node, s);
  }
  return s;
}

/** Re-renders when the node changed, at most once a frame, and re-runs `select` only then. */
export function useNodeQuery<T>(select: (node: AuraNodeApi) => T, deps: readonly unknown[] = []): T {
  const node = useNode();
  const version = useSyncExternalStore(frameSubscribe(node), () => node.version);
  return useMemo(() => select(node), [node, version, ...deps]);
}

export function useBootState(booter: Booter): BootState {
  return useSyncExternalStore(booter.subscribe, () => booter.state);
}
