import { describe, expect, it } from 'vitest';
import { churn } from '../../sim/churn.ts';
import { dkg, equivocatingWitness } from '../../sim/equivocation.ts';
import { gossipReach } from '../../sim/gossip.ts';
import { partitionHeal } from '../../sim/partition.ts';

describe('the simulator (small N)', () => {
  it('gossip reaches every node of a D = 6 mesh, within ⌈log₆ N⌉ + 2 mesh hops, with lost forwards repaired', async () => {
    const r = await gossipReach({ n: 100, seed: 3, loss: 0.05 });
    expect(r.reached).toBe(100);
    expect(r.hops.reduce((a, b) => a + b, 0)).toBe(100);
    expect(r.hops[0]).toBe(1);
    expect(r.meshHops).toBeLessThanOrEqual(r.bound);
    expect(r.lost).toBeGreaterThan(0);
    expect(r.degree.min).toBeGreaterThanOrEqual(6);
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
