import { sha256 } from '@noble/hashes/sha2.js';
import { IDBFactory } from 'fake-indexeddb';
import { AuraNode } from '../../src/node/aura-node.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { MemoryBus, type MemoryTransport } from '../../src/net/memory-transport.ts';
import { openStore } from '../../src/store/store.ts';

/** Seeded bytes: deterministic "randomness" for nodes under test. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) out.set(sha256(new TextEncoder().encode(`${seed}/${counter++}`)).subarray(0, Math.min(32, n - o)), o);
    return out;
  };
}

export interface TestPeer {
  readonly node: AuraNode;
  readonly transport: MemoryTransport;
}

/** A node on an in-memory bus, with its own fake IndexedDB, clock and seeded randomness, and an identity. */
export async function peerOn(bus: MemoryBus, name: string, extra: Partial<NodeDeps> = {}): Promise<TestPeer> {
  const peer = await deviceOn(bus, name, extra);
  await peer.node.createIdentity(name);
  return peer;
}

/** Such a node without an identity yet (a new device, before onboarding). */
export async function deviceOn(bus: MemoryBus, name: string, extra: Partial<NodeDeps> = {}): Promise<TestPeer> {
  const random = seededRandom(name);
  const store = await openStore(`aura-${name}`, { factory: new IDBFactory() });
  // Real time plus a per-device skew: rate limits need time to pass; ordering relies on HLCs, not on
  // synchronised clocks.
  const skew = name.length * 13;
  const seed = random(32);
  await store.putDeviceSeed(seed);
  const { deviceKeyFromSeed } = await import('../../src/core/crypto/ed25519.ts');
  const transport = bus.connect(deviceKeyFromSeed(seed).deviceId, random);
  const node = await AuraNode.open({ profile: name, store, now: () => Date.now() + skew, random, transport, ...extra });
  return { node, transport };
}

/** Waits until a condition holds, letting queued deliveries run. */
export async function until(cond: () => boolean, what = 'condition', ms = 15_000): Promise<void> {
  // Generous: CI runs test files in parallel on two cores, and a timing flake would make fast-check shrink.
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export { MemoryBus };
