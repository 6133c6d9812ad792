import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { churn } from '../../sim/churn.ts';
import { EventQueue, prng } from '../../sim/clock.ts';
import { dkg, equivocatingWitness } from '../../sim/equivocation.ts';
import { gossipReach } from '../../sim/gossip.ts';
import { appGossipsub, BROWSER_MAX_CONNECTIONS, connect, heartbeatMesh } from '../../sim/gossipsub.ts';
import { nodeIds } from '../../sim/mesh.ts';
import { SimNet } from '../../sim/network.ts';
import { partitionHeal } from '../../sim/partition.ts';

describe('the simulator (small N)', () => {
  it('gossip reaches every node through the mesh gossipsub builds, within ⌈log₆ N⌉ + 2 mesh hops, with lost forwards repaired', async () => {
    const r = await gossipReach({ n: 100, seed: 3, loss: 0.05 });
    expect(r.reached).toBe(100);
    expect(r.hops.reduce((a, b) => a + b, 0)).toBe(100);
    expect(r.hops[0]).toBe(1);
    expect(r.meshHops).toBeLessThanOrEqual(r.bound);
    expect(r.lost).toBeGreaterThan(0);
    expect(r.hopsMedian).toBeLessThanOrEqual(r.hopsP99);
    expect(r.hopsP99).toBeLessThanOrEqual(r.maxHops);
  });

  it('the gossip model runs the app\'s gossipsub options, flood publish included: the publisher sends to every topic peer', async () => {
    const p = appGossipsub();
    expect(p).toMatchObject({ D: 6, Dlo: 4, Dhi: 12, heartbeatInterval: 400, floodPublish: true });
    const r = await gossipReach({ n: 100, seed: 4, loss: 0 });
    // 100 browsers stay under libp2p's connection cap, so every node is every other's topic peer.
    expect(r.links).toEqual({ min: 99, max: 99, mean: 99 });
    expect(r.publishedTo).toBe(99);
    expect(r.rounds).toBe(1);
    // Without flood publish the publisher reaches its mesh only, and the rest takes more rounds.
    const mesh = await gossipReach({ n: 100, seed: 4, loss: 0, gossipsub: { ...p, floodPublish: false } });
    expect(mesh.publishedTo).toBeLessThanOrEqual(p.Dhi);
    expect(mesh.rounds).toBeGreaterThan(1);
  });

  it('links stop at the browser connection cap, and every topic mesh is symmetric and within D_lo..D_hi', () => {
    const cap = readFileSync(new URL('../../node_modules/libp2p/dist/src/connection-manager/constants.browser.js', import.meta.url), 'utf8');
    expect(cap).toContain(`MAX_CONNECTIONS = ${BROWSER_MAX_CONNECTIONS};`);
    const p = appGossipsub();
    const rnd = prng(9);
    const conns = connect(nodeIds(300), 40, rnd);
    const mesh = heartbeatMesh(conns, p, rnd);
    for (const [id, peers] of conns) {
      expect(peers.length).toBeLessThanOrEqual(40);
      const mine = mesh.get(id)!;
      expect(mine.length).toBeGreaterThanOrEqual(p.Dlo);
      expect(mine.length).toBeLessThanOrEqual(p.Dhi);
      for (const m of mine) {
        expect(peers).toContain(m);
        expect(mesh.get(m)).toContain(id);
      }
    }
  });

  it('plane latencies keep the triangle inequality and stay in the link model range', () => {
    const net = new SimNet(new EventQueue(), prng(5), { latencyMs: [10, 80], jitterMs: 0, loss: 0, layout: 'plane' });
    const ids = nodeIds(20);
    for (const a of ids)
      for (const b of ids) {
        if (a === b) continue;
        expect(net.delay(a, b)).toBeGreaterThanOrEqual(10);
        expect(net.delay(a, b)).toBeLessThanOrEqual(80);
        // Rounding each distance may cost a millisecond.
        for (const c of ids) if (c !== a && c !== b) expect(net.delay(a, c)).toBeLessThanOrEqual(net.delay(a, b) + net.delay(b, c) + 1);
      }
  });

  it('after a partition heals, real sync sessions bring every node every fact within 3 rounds', async () => {
    const r = await partitionHeal({ n: 40, seed: 2 });
    expect(r.facts).toBe(40);
    expect(r.sessions.ok).toBeGreaterThan(0);
    expect(r.refused).toBe(0);
    expect(r.roundsToHeal).not.toBeNull();
    expect(r.roundsToHeal!).toBeLessThanOrEqual(3);
    expect(r.curve.at(-1)![1]).toBe(1);
    // While apart, the sides did not hold each other's facts.
    expect(r.curve.filter(([t]) => t <= r.healAtMs).at(-1)![1]).toBeLessThan(1);
  });

  it('under churn every node, those that left and those that joined new, ends holding every fact', async () => {
    const r = await churn({ n: 30, seed: 1, writeRounds: 4 });
    expect(r.left).toBeGreaterThan(0);
    expect(r.joined).toBeGreaterThan(0);
    expect(r.roundsToConverge).not.toBeNull();
    expect(r.curve.at(-1)![1]).toBe(1);
  });

  it('a witness that signs two results for one (cid, prestate) is recorded and excluded by every honest participant, and at most one result commits', async () => {
    const keys = dkg(4, 3, 1);
    for (const seed of [1, 2]) {
      const r = await equivocatingWitness(keys, 3, seed);
      expect(r.equivocatorResults).toBe(2);
      expect(r.excludedBy).toBe(r.honest);
      expect(r.commits).toBeLessThanOrEqual(1);
    }
  });

  it('the same seed gives the same results; another seed, others', async () => {
    const a = await gossipReach({ n: 60, seed: 7, loss: 0.02 });
    expect(await gossipReach({ n: 60, seed: 7, loss: 0.02 })).toEqual(a);
    expect(await gossipReach({ n: 60, seed: 8, loss: 0.02 })).not.toEqual(a);
    const p = await partitionHeal({ n: 24, seed: 5, fanout: 1 });
    expect(await partitionHeal({ n: 24, seed: 5, fanout: 1 })).toEqual(p);
  });
});
