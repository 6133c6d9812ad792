import { mkdirSync, writeFileSync } from 'node:fs';
import { churn } from './churn.ts';
import { Convergence, type Curve } from './convergence.ts';
import { dkg, equivocatingWitness } from './equivocation.ts';
import { gossipReach, percentile, type GossipResult } from './gossip.ts';
import { partitionHeal } from './partition.ts';
import { convergenceSvg, type Plot } from './svg.ts';
import { ROUND_MS } from './sync-world.ts';

/**
 * `npm run sim [-- <scenario>…]`: gossip, gossip-plane, partition, churn, equivocation (all by default). Prints
 * one JSON line per measurement (the same seed prints the same line; only `wallMs` and `cpuMs` vary) and writes
 * each scenario's convergence plot to sim/plots/.
 */
const PLOTS = new URL('./plots/', import.meta.url);
const wanted = process.argv.slice(2);
const runs = (name: string) => wanted.length === 0 || wanted.includes(name);

/** Wall and CPU ms of a measurement: on a shared machine the wall clock also counts other processes' turns. */
interface Cost {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function print(line: object, cost?: Cost): void {
  console.log(JSON.stringify(cost === undefined ? line : { ...line, ...cost }));
}

function plot(file: string, p: Plot): void {
  mkdirSync(PLOTS, { recursive: true });
  writeFileSync(new URL(file, PLOTS), convergenceSvg(p));
}

/** A result without its curve (the plot has it). */
const line = <T extends { curve: Curve }>(r: T) => {
  const { curve, ...rest } = r;
  return { ...rest, curvePoints: curve.length };
};

async function timed<T>(f: () => Promise<T>): Promise<[T, Cost]> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await f();
  const used = process.cpuUsage(cpu);
  return [r, { wallMs: Math.round(performance.now() - t), cpuMs: Math.round((used.user + used.system) / 1000) }];
}

// The figure is the default (per-link) latency; `plane`, the same runs with latencies keeping the triangle inequality.
for (const [name, layout] of [['gossip', 'link'], ['gossip-plane', 'plane']] as const) {
  if (!runs(name)) continue;
  for (const n of [100, 1000]) {
    const results: GossipResult[] = [];
    const [, ms] = await timed(async () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const [r, one] = await timed(() => gossipReach({ n, seed, loss: 0.01, layout }));
        print(line(r), one);
        results.push(r);
      }
    });
    const hops: number[] = [];
    for (const r of results) r.hops.forEach((c, h) => (hops[h] = (hops[h] ?? 0) + c));
    const all = Array.from(hops, (c) => c ?? 0);
    const most = (k: 'rounds' | 'meshHops' | 'maxHops') => Math.max(...results.map((r) => r[k]));
    print(
      {
        scenario: 'gossip-summary',
        n,
        layout,
        seeds: results.length,
        bound: results[0]!.bound,
        floodPublish: results[0]!.floodPublish,
        rounds: most('rounds'),
        meshHops: most('meshHops'),
        hopsMedian: percentile(all, 0.5),
        hopsP99: percentile(all, 0.99),
        maxHops: most('maxHops'),
        hops: all,
        allReached: results.every((r) => r.reached === n),
      },
      ms,
    );
    if (layout === 'link')
      plot(`gossip-N${n}.svg`, { title: `Gossip reach, N = ${n}, the app's gossipsub (flood publish, D = 6), 1% loss`, xLabel: 'simulated time (ms)', series: results.map((r) => ({ label: `seed ${r.seed}: ${r.rounds} rounds, first copies ≤ ${r.maxHops} hops`, curve: r.curve })) });
  }
}

if (runs('partition')) {
  for (const [n, seeds, fanouts] of [
    [100, [1, 2, 3], ['all', 1]],
    [1000, [1], ['all']],
  ] as const) {
    const series = [];
    const heals = new Set<number>();
    for (const fanout of fanouts) {
      for (const seed of seeds) {
        const [r, ms] = await timed(() => partitionHeal({ n, seed, fanout }));
        print(line(r), ms);
        heals.add(r.healAtMs);
        series.push({ label: `fanout ${fanout}, seed ${seed}: ${r.roundsToHeal ?? '>20'} rounds`, curve: r.curve });
      }
    }
    plot(`partition-N${n}.svg`, { title: `Partition and heal, N = ${n} (rounds of ${ROUND_MS / 1000} s)`, xLabel: 'simulated time (ms)', series, marks: [...heals].map((x) => ({ x, label: 'heal' })) });
  }
}

if (runs('churn')) {
  const n = 100;
  const series = [];
  for (const seed of [1, 2, 3]) {
    const [r, ms] = await timed(() => churn({ n, seed }));
    print(line(r), ms);
    series.push({ label: `seed ${seed}: ${r.roundsToConverge ?? '>20'} rounds after churn`, curve: r.curve });
  }
  plot(`churn-N${n}.svg`, { title: `Churn, N = ${n}: 10% leave, 30% of the away return, 2% new per round`, xLabel: 'simulated time (ms)', series, marks: [{ x: 8 * ROUND_MS, label: 'writes and churn stop' }] });
}

if (runs('equivocation')) {
  const keys = dkg(4, 3, 1);
  let excluded = 0;
  let honest = 0;
  let unsafe = 0;
  const seeds = 20;
  const delays: number[] = [];
  const [, ms] = await timed(async () => {
    for (let seed = 1; seed <= seeds; seed++) {
      const [r, one] = await timed(() => equivocatingWitness(keys, 3, seed));
      print(r, one);
      excluded += r.excludedBy;
      honest += r.honest;
      if (r.commits > 1) unsafe++;
      delays.push(...r.detectedAfterMs);
    }
  });
  print({ scenario: 'equivocation-summary', seeds, witnesses: 4, threshold: 3, excluded, total: honest, rate: excluded / honest, unsafeSeeds: unsafe }, ms);
  const conv = new Convergence();
  delays.sort((a, b) => a - b).forEach((t, k) => conv.record(t, k + 1, honest));
  plot('equivocation-W4.svg', {
    title: `Equivocating witness (3 of 4), ${seeds} seeds: honest participants that recorded and excluded it`,
    xLabel: 'simulated time since the proposals (ms)',
    yLabel: 'fraction of honest participants',
    series: [{ label: `${excluded} of ${honest} honest participants`, curve: conv.curve() }],
  });
}
