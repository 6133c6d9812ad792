import { describe, expect, it } from 'vitest';
import { commitVerifies } from '../../src/core/authz/consensus-commit.ts';
import { groupPublicKey } from '../../src/core/crypto/frost.ts';
import type { ConsensusCommit } from '../../src/core/facts/kinds/consensus.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { ConsensusService } from '../../src/protocols/consensus/consensus-service.ts';
import { encodeConsensusMessage } from '../../src/protocols/consensus/wire.ts';
import { NONCE_POOL, WitnessSigner } from '../../src/protocols/consensus/witness-signer.ts';
import { frostKeys, seeded } from '../support/frost-group.ts';

const ns = contextNamespace('ctx-consensus-service');
const PRESTATE = 'ab'.repeat(32);
const T_FALLBACK = 300;
const decision = { consensusId: 'cons-1', prestateHash: PRESTATE, covers: ['bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'] };

/**
 * Three witnesses of a real 2-of-3 DKG on an in-memory bus: messages queue and are delivered by `pump`;
 * `silent` witnesses receive nothing (and so answer nothing); timers fire when the test advances the clock.
 */
function bus(seed: string, silent: readonly number[] = [], prestateOf: (k: number) => string = () => PRESTATE) {
  const keys = frostKeys(seed, 3, 2);
  const ids = keys.map((k) => k.participant);
  const set = { witnesses: [...ids].sort(), threshold: 2 };
  const queue: { from: string; to: string; bytes: Uint8Array }[] = [];
  const timers: { at: number; run: () => void }[] = [];
  let now = 0;
  const commits = new Map<string, ConsensusCommit[]>();
  const drops = new Map<string, string[]>();
  const services = keys.map((k, index) => {
    const self = k.participant;
    return new ConsensusService({
      ns,
      self,
      pub: k.public,
      set,
      signer: new WitnessSigner(k, seeded(`${seed}/${self}`)),
      net: { send: (to, bytes) => (to === 'all' ? ids.filter((i) => i !== self) : [to]).forEach((t) => queue.push({ from: self, to: t, bytes })) },
      now: () => now,
      prestate: () => prestateOf(index),
      fallbackAfterMs: T_FALLBACK,
      setTimer: (ms, run) => void timers.push({ at: now + ms, run }),
      committed: (c) => commits.set(self, [...(commits.get(self) ?? []), c]),
      dropped: (r) => drops.set(self, [...(drops.get(self) ?? []), r]),
    });
  });
  const byId = new Map(ids.map((id, k) => [id, services[k]!]));
  const pump = () => {
    for (let m = queue.shift(); m; m = queue.shift()) if (!silent.some((k) => ids[k] === m.to)) byId.get(m.to)!.receive(m.from, m.bytes);
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.splice(0).filter((x) => (x.at <= now ? true : (timers.push(x), false)))) t.run();
    pump();
  };
  for (const s of services) s.announce();
  pump();
  return { ids, services, commits, drops, pump, advance, groupKey: groupPublicKey(keys[0]!.public), inject: (from: string, to: string, bytes: Uint8Array) => queue.push({ from, to, bytes }) };
}

describe('consensus service on a memory bus, real FROST', () => {
  it('fast path: over announced nonces one round of Execute and shares commits, before any timeout', () => {
    const b = bus('svc-fast');
    expect(b.services[0]!.propose(decision)).toBe(true);
    b.pump();
    const got = b.commits.get(b.ids[0]!)!;
    expect(got).toHaveLength(1);
    expect(commitVerifies(ns, got[0]!, b.groupKey)).toBe(true);
    expect(got[0]!.covers).toEqual(decision.covers);
    expect([...b.drops.values()].flat()).toEqual([]);
  });

  it('two coordinators proposing the same decision at once both commit: neither asks the other for a nonce it just spent on its own session', () => {
    // The third witness hears nothing (a guardian who did not approve): no fallback can rescue a collision.
    const b = bus('svc-two', [2]);
    expect(b.services[0]!.propose(decision)).toBe(true);
    expect(b.services[1]!.propose(decision)).toBe(true);
    b.pump();
    for (const id of [b.ids[0]!, b.ids[1]!]) {
      expect(b.commits.get(id)).toHaveLength(1);
      expect(commitVerifies(ns, b.commits.get(id)![0]!, b.groupKey)).toBe(true);
    }
    expect([...b.drops.values()].flat()).not.toContain('consensus:UnknownCommitment');
  });

  it('a coordinator that refused its own executes (its prestate moved) more often than it holds nonces commits once it agrees again', () => {
    let moved = true;
    // The third witness hears nothing: only the coordinator's own share and the second's can commit.
    const b = bus('svc-refused', [2], (k) => (k === 0 && moved ? 'cd'.repeat(32) : PRESTATE));
    let tries = 0;
    while (b.services[0]!.propose(decision)) {
      b.pump();
      expect(++tries).toBeLessThanOrEqual(4 * NONCE_POOL);
    }
    expect(b.drops.get(b.ids[0]!)).toContain('consensus:WrongPrestate');
    expect(b.commits.size).toBe(0);
    moved = false;
    // What the witness group's tick does while decisions wait: re-announce, which restores our own unspent nonces.
    b.services[0]!.reannounce();
    b.pump();
    expect(b.services[0]!.propose(decision)).toBe(true);
    b.pump();
    expect(b.commits.get(b.ids[0]!)).toHaveLength(1);
  });

  it('T_fallback follows the measured round trip (2.5 × the median, within bounds) once a share came back', () => {
    const b = bus('svc-rtt');
    expect(b.services[0]!.fallbackMs()).toBe(T_FALLBACK);
    expect(b.services[0]!.propose(decision)).toBe(true);
    // Execute out at t = 0, the other witness's share back at t = 200 ms: one round trip of 200 ms.
    b.advance(200);
    expect(b.commits.get(b.ids[0]!)).toHaveLength(1);
    expect(b.services[0]!.fallbackMs()).toBe(500);
  });

  it('fallback: a signer of the fast session is silent; after T_fallback a session with the third witness commits', () => {
    // Participant ids sort as they were numbered, so the proposer's fast session is witnesses 0 and 1: silence 1.
    const b = bus('svc-fallback', [1]);
    const fastPartner = b.ids[1]!;
    b.services[0]!.propose(decision);
    b.pump();
    expect(b.commits.size).toBe(0);
    b.advance(T_FALLBACK);
    const got = b.commits.get(b.ids[0]!)!;
    expect(got).toHaveLength(1);
    expect(commitVerifies(ns, got[0]!, b.groupKey)).toBe(true);
    expect(got[0]!.signers).not.toContain(fastPartner);
  });

  it('hostile input is a counted drop: garbage, a foreign namespace, nonces or shares claimed for another witness', () => {
    const b = bus('svc-hostile');
    const [a, w1, w2] = b.ids as [string, string, string];
    b.inject(w1, a, Uint8Array.of(0xff, 0x00));
    b.inject(w1, a, encodeConsensusMessage({ type: 'share', ns: contextNamespace('elsewhere'), session: 'cd'.repeat(32), participant: w1, share: new Uint8Array(32) }));
    b.inject(w1, a, encodeConsensusMessage({ type: 'nonces', ns, witness: w2, commitments: [{ identifier: w2, hiding: new Uint8Array(32), binding: new Uint8Array(32) }] }));
    b.inject(w1, a, encodeConsensusMessage({ type: 'share', ns, session: 'cd'.repeat(32), participant: w2, share: new Uint8Array(32) }));
    b.inject(w1, a, encodeConsensusMessage({ type: 'share', ns, session: 'cd'.repeat(32), participant: w1, share: new Uint8Array(32) }));
    b.pump();
    expect(b.drops.get(a)).toEqual(['consensus:Malformed', 'consensus:WrongNamespace', 'consensus:NotAWitness', 'consensus:NotTheSigner', 'consensus:UnknownSession']);
    // And consensus still works afterwards.
    b.services[0]!.propose(decision);
    b.pump();
    expect(b.commits.get(a)).toHaveLength(1);
  });
});
