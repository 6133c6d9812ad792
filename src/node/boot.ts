import { openStore } from '../store/store.ts';
import { StoreError } from '../store/errors.ts';
import { AuraNode } from './aura-node.ts';
import type { Booter, BootState } from './boot-api.ts';
import { deviceKeyFromSeed, type DeviceKey } from '../core/crypto/ed25519.ts';
import { Libp2pTransport } from '../net/libp2p-transport.ts';
import type { Transport } from '../net/transport.ts';
import { browserDeps, browserRandom } from './deps.ts';
import { deviceSeed } from './device-seed.ts';
import { labOf } from './lab.ts';
import { networkConfig } from './network-config.ts';
import { databaseName, lockName } from './profile.ts';

/**
 * Starts this tab's node for its profile under a Web Lock, so one live node owns a profile. If another
 * tab holds it, this tab waits (and takes over by itself when that tab closes) or steals it on request;
 * the tab that loses its lock closes its node and says so.
 */
export function startBoot(profile: string): Booter {
  const listeners = new Set<() => void>();
  let state: BootState = { status: 'starting', profile };
  const set = (s: BootState) => {
    state = s;
    for (const l of [...listeners]) l();
  };
  let waiting: AbortController | null = null;

  const run = async (): Promise<void> => {
    set({ status: 'starting', profile });
    let node: AuraNode | null = null;
    try {
      const store = await openStore(databaseName(profile), { onVersionChange: () => void node?.close() });
      const key = deviceKeyFromSeed(await deviceSeed(store, browserRandom));
      const { protocol } = networkConfig(new URL(location.href), import.meta.env);
      node = await AuraNode.open({ ...browserDeps(profile, store, await startTransport(key)), ...(protocol ? { protocolVersion: protocol } : {}) });
      set({ status: 'ready', profile, node });
      // Lab handle for local builds (benchmarks drive the node without the UI's latency); never in production.
      if (networkConfig(new URL(location.href), import.meta.env).allowLocal) window.auraLab = labOf(node);
    } catch (e) {
      set({ status: 'failed', profile, error: describe(e) });
      return;
    }
    // Hold the lock for as long as this tab lives; an abort (steal) ends the wait below.
    await new Promise<never>(() => {});
  };

  const lost = (e: unknown, node: () => AuraNode | null) => {
    void node()?.close();
    if ((e as DOMException)?.name === 'AbortError') set({ status: 'taken-over', profile, reclaim: () => acquire(true) });
    else set({ status: 'failed', profile, error: describe(e) });
  };

  const acquire = (steal: boolean): void => {
    waiting?.abort();
    waiting = null;
    const current = () => (state.status === 'ready' ? (state.node as AuraNode) : null);
    if (steal) {
      navigator.locks.request(lockName(profile), { steal: true }, run).catch((e) => lost(e, current));
      return;
    }
    navigator.locks
      .request(lockName(profile), { ifAvailable: true }, async (lock) => {
        if (lock) return run();
        const ctrl = new AbortController();
        waiting = ctrl;
        set({ status: 'locked', profile, takeOver: () => acquire(true) });
        // Queue behind the holder so this tab starts by itself once that tab closes.
        navigator.locks.request(lockName(profile), { signal: ctrl.signal }, run).catch((e) => {
          if (!ctrl.signal.aborted) lost(e, current);
        });
      })
      .catch((e) => lost(e, current));
  };

  acquire(false);
  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The node works without a network (offline-first): a transport that cannot start is reported, not fatal. */
async function startTransport(key: DeviceKey): Promise<Transport | undefined> {
  const { relay, allowLocal, observe, path } = networkConfig(new URL(location.href), import.meta.env);
  try {
    return await Libp2pTransport.start({ key, relay, allowLocal, observe, path, random: browserRandom });
  } catch (e) {
    console.error('network unavailable', e);
    return undefined;
  }
}

function describe(e: unknown): { code: string; message: string } {
  if (e instanceof StoreError) return { code: e.code, message: e.message };
  return { code: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) };
}
