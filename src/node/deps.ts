import type { AuraStore } from '../store/store.ts';

/** Everything with effects is injected, so several nodes can run in one process in tests. */
export interface NodeDeps {
  readonly profile: string;
  readonly store: AuraStore;
  /** Wall-clock milliseconds. */
  readonly now: () => number;
  /** Cryptographically random bytes. */
  readonly random: (n: number) => Uint8Array;
}

export function browserDeps(profile: string, store: AuraStore): NodeDeps {
  return {
    profile,
    store,
    now: () => Date.now(),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  };
}
