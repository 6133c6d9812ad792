import { pick, shuffled } from './clock.ts';
import type { Curve } from './convergence.ts';
import { ROUND_MS, SyncWorld, type Fanout } from './sync-world.ts';

export interface PartitionOptions {
  readonly n: number;
  readonly seed: number;
  readonly fanout?: Fanout;
  /** Writers on each side, and facts each writes while the sides are apart. */
  readonly writersPerSide?: number;
  readonly factsPerWriter?: number;
  /** Rounds the partition lasts (each side converges within itself meanwhile). */
  readonly partitionRounds?: number;
}

export interface PartitionResult {
  readonly scenario: 'partition';
  readonly n: number;
  readonly seed: number;
  readonly fanout: Fanout;
  readonly facts: number;
  /** Nodes whose every link crossed the cut: cut off from their own side until the heal. */
  readonly isolated: number;
  /** Whether every other node of each side held every fact written on its side when the partition healed. */
  readonly sidesConvergedBeforeHeal: boolean;
  /** Anti-entropy rounds after the heal until every node held every fact (goal ≤ 3); null: not within 20. */
  readonly roundsToHeal: number | null;
  readonly healAtMs: number;
  readonly convergedAtMs: number | null;
  readonly sessions: { ok: number; failed: number };
  /** Received facts the core's validation refused (0: every written fact is valid). */
  readonly refused: number;
  readonly curve: Curve;
}

/**
 * Splits the nodes in two at random; writers on each side write while they are apart and anti-entropy runs
 * within each side; then the partition heals and rounds run until every node holds every fact.
 */
export async function partitionHeal(opts: PartitionOptions): Promise<PartitionResult> {
  const fanout = opts.fanout ?? 'all';
  const perSide = opts.writersPerSide ?? 2;
  const perWriter = opts.factsPerWriter ?? 5;
  const apart = opts.partitionRounds ?? 4;
  const w = new SyncWorld(opts.n, opts.seed);
  w.seed('history', 20);
  const ids = shuffled(w.rnd, w.ids);
  const sides = [ids.slice(0, opts.n >> 1), ids.slice(opts.n >> 1)];
  w.net.partition(sides);
  w.measure();
  sides.forEach((side, s) => {
    for (let k = 0; k < perSide; k++) {
      const writer = w.writer(side[pick(w.rnd, side.length)]!, `side${s}-${k}`);
      for (let f = 0; f < perWriter; f++) w.q.at(pick(w.rnd, ROUND_MS), writer.write);
    }
  });
  for (let r = 0; r < apart; r++) w.scheduleRound(r * ROUND_MS, fanout);
  const healAt = apart * ROUND_MS;
  await w.q.runUntil(healAt);
  const cutOff = new Set(w.ids.filter((id) => !w.links.get(id)!.some((p) => w.net.reachable(id, p))));
  const sidesConverged = sides.every((side) => sideConverged(w, side.filter((id) => !cutOff.has(id))));
  w.net.heal();
  w.measure();
  const rounds = await w.roundsToConverge(healAt, fanout, 20);
  return {
    scenario: 'partition',
    n: opts.n,
    seed: opts.seed,
    fanout,
    facts: w.written.size,
    isolated: cutOff.size,
    sidesConvergedBeforeHeal: sidesConverged,
    roundsToHeal: rounds,
    healAtMs: healAt,
    convergedAtMs: rounds === null ? null : (w.conv.curve().at(-1)?.[0] ?? null),
    sessions: { ...w.sessions },
    refused: w.refused(),
    curve: w.conv.curve(),
  };
}

/** Every node of the side holds every fact any node of it holds. */
function sideConverged(w: SyncWorld, side: readonly string[]): boolean {
  const union = new Set(side.flatMap((id) => [...w.hosts.get(id)!.ids()]));
  return side.every((id) => w.hosts.get(id)!.size === union.size);
}
