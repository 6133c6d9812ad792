import { sha256 } from '@noble/hashes/sha2.js';
import { prng } from '../../src/core/prng.ts';
import { ItemSet, KEY_BYTES, Reconciler, respond, type SyncItem, type SyncOptions } from '../../src/core/sync/index.ts';

/** A deterministic PRNG (mulberry32), so every run measures the same replicas. */
export { prng };

export interface Replicas {
  /** Items of the initiator and of the responder. */
  readonly a: SyncItem[];
  readonly b: SyncItem[];
}

/**
 * N distinct items over ~30 days of HLC wall time (mean gap 26 s; one in eight shares the previous
 * millisecond, as bursts do), of which d chosen uniformly at random exist on one side only: half of them (rounded up) on the
 * responder's, half on the initiator's, each side's at random positions. Uniform placement is the worst case
 * for range-based reconciliation; real differences cluster in recent history.
 */
export function replicas(n: number, d: number, seed = 1): Replicas {
  const rnd = prng(seed);
  const all: SyncItem[] = [];
  let time = 1_700_000_000_000;
  for (let k = 0; k < n; k++) {
    if (rnd() >= 0.125) time += 1 + Math.floor(rnd() * 52_000);
    all.push({ time, id: sha256(new TextEncoder().encode(`aura-sync-bench-${seed}-${k}`)) });
  }
  // d distinct positions; the first ⌈d/2⌉ drawn go to the responder only, the rest to the initiator only.
  const side = new Map<number, 'a' | 'b'>();
  while (side.size < d) {
    const k = Math.floor(rnd() * n);
    if (!side.has(k)) side.set(k, side.size < Math.ceil(d / 2) ? 'b' : 'a');
  }
  const a: SyncItem[] = [];
  const b: SyncItem[] = [];
  all.forEach((item, k) => {
    const only = side.get(k);
    if (only !== 'b') a.push(item);
    if (only !== 'a') b.push(item);
  });
  return { a, b };
}

export interface Exchange {
  readonly roundTrips: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly messages: number;
  readonly largestMessage: number;
  readonly have: Uint8Array[];
  readonly need: Uint8Array[];
}

const total = (round: readonly Uint8Array[]): number => round.reduce((n, m) => n + m.length, 0);

/**
 * Runs a whole reconciliation through serialised bytes, initiator holding `a`, responder holding `b`. Bytes up
 * include the fetch that names each needed fact by its 8-byte key, as the session sends it.
 */
export function exchange(a: ItemSet, b: ItemSet, opts?: SyncOptions): Exchange {
  const r = new Reconciler(a, opts);
  let round: Uint8Array[] | null = r.initiate();
  let roundTrips = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  let messages = 0;
  let largestMessage = 0;
  const have: Uint8Array[] = [];
  const need: Uint8Array[] = [];
  while (round) {
    const reply = respond(b, round, opts);
    roundTrips++;
    bytesUp += total(round);
    bytesDown += total(reply);
    messages += round.length + reply.length;
    largestMessage = Math.max(largestMessage, ...round.map((m) => m.length), ...reply.map((m) => m.length));
    const res = r.reconcile(reply);
    have.push(...res.have);
    need.push(...res.need);
    round = res.next;
  }
  bytesUp += need.length * KEY_BYTES;
  return { roundTrips, bytesUp, bytesDown, messages, largestMessage, have, need };
}
