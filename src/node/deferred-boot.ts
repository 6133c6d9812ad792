import type { Booter, BootState } from './boot-api.ts';

/** A Booter whose node code is still to be loaded: `start()` loads it and boots; later calls do nothing. */
export interface DeferredBooter extends Booter {
  start(): void;
}

/**
 * Stands in for the tab's Booter while the node's code (libp2p, the crypto, the store: most of the app's bytes)
 * is not loaded yet, so the shell paints from a small entry chunk first. It says `starting` on `profile` until
 * `load` gives the real Booter, then says whatever that one says; if the code cannot be loaded (offline
 * without a cached copy, or a deploy that replaced it), the boot failed, with a reason the person can act on.
 */
export function deferredBooter(profile: string, load: () => Promise<Booter>): DeferredBooter {
  const listeners = new Set<() => void>();
  let own: BootState = { status: 'starting', profile };
  let real: Booter | null = null;
  let started = false;
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  return {
    get state() {
      return real?.state ?? own;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (started) return;
      started = true;
      load().then(
        (booter) => {
          real = booter;
          booter.subscribe(notify);
          notify();
        },
        (e: unknown) => {
          own = { status: 'failed', profile, error: { code: 'LoadFailed', message: (e as Error)?.message ?? String(e) } };
          notify();
        },
      );
    },
  };
}
