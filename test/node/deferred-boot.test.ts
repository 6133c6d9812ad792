import { describe, expect, it } from 'vitest';
import type { Booter, BootState } from '../../src/node/boot-api.ts';
import { deferredBooter } from '../../src/node/deferred-boot.ts';

/** A real Booter's stand-in whose state the test sets. */
function fakeBooter(initial: BootState): Booter & { set(s: BootState): void } {
  const listeners = new Set<() => void>();
  let state = initial;
  return {
    get state() {
      return state;
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(s) {
      state = s;
      for (const l of listeners) l();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('deferredBooter', () => {
  it('says starting on the profile until started, and loads the node code only once', async () => {
    let loads = 0;
    const real = fakeBooter({ status: 'starting', profile: 'p' });
    const booter = deferredBooter('p', async () => {
      loads++;
      return real;
    });
    expect(booter.state).toEqual({ status: 'starting', profile: 'p' });
    await settle();
    expect(loads).toBe(0);
    booter.start();
    booter.start();
    await settle();
    expect(loads).toBe(1);
  });

  it('follows the real booter once loaded, and tells its subscribers each change', async () => {
    const real = fakeBooter({ status: 'starting', profile: 'p' });
    const booter = deferredBooter('p', async () => real);
    const seen: string[] = [];
    booter.subscribe(() => seen.push(booter.state.status));
    booter.start();
    await settle();
    real.set({ status: 'locked', profile: 'p', takeOver: () => {} });
    expect(booter.state.status).toBe('locked');
    expect(seen).toEqual(['starting', 'locked']);
  });

  it('fails the boot with LoadFailed when the node code cannot be fetched', async () => {
    const booter = deferredBooter('p', () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')));
    let told = 0;
    booter.subscribe(() => told++);
    booter.start();
    await settle();
    expect(told).toBe(1);
    expect(booter.state).toEqual({
      status: 'failed',
      profile: 'p',
      error: { code: 'LoadFailed', message: 'Failed to fetch dynamically imported module' },
    });
  });
});
