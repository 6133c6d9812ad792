import { createElement, useEffect, useState, type ComponentType } from 'react';

/**
 * A view from a chunk of its own, for panels no first screen shows: fetched on first mount, rendering nothing
 * until then (a few ms: the service worker precaches every chunk). Not React.lazy under Suspense: React holds
 * back every Suspense reveal until 300 ms after the last fallback showed (its fallback throttle): measured in
 * Chromium on the 2-core test machine, a panel's first open took 350–900 ms that way, 70–150 ms this way.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let view: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function LazyView(props: P) {
    const [, setLoaded] = useState(view !== null);
    useEffect(() => {
      if (view !== null) return;
      let mounted = true;
      loading ??= load();
      loading.then(
        (v) => {
          view = v;
          if (mounted) setLoaded(true);
        },
        (e: unknown) => {
          // Only when a chunk the precache should hold is missing (a deploy replaced it): the next open retries.
          loading = null;
          console.error('a panel could not be loaded', e);
        },
      );
      return () => {
        mounted = false;
      };
    }, []);
    return view === null ? null : createElement(view, props);
  };
}
