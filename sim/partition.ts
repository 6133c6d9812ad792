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
  /** Rounds the partition lasts at least; it lasts until the sides stop changing (each converged within itself). */
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
  /**
   * Nodes that, when the partition healed, lacked some fact held on their own side: the isolated ones, and
   * those in small pieces of a side that the cut separated from the rest of it.
   */
  readonly behindAtHeal: number;
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
  // Apart until a round changes nothing on either side (at most 20): the heal then measures only the crossing.
  const held = () => [...w.hosts.values()].reduce((n, h) => n + h.size, 0);
  let r = 0;
  for (let before = -1, now = 0; r < 20 && (r < apart || now !== before); r++) {
    before = now;
    w.scheduleRound(r * ROUND_MS, fanout);
    await w.q.runUntil((r + 1) * ROUND_MS);
    now = held();
  }
  const healAt = r * ROUND_MS;
  const behind = sides.reduce((n, side) => n + behindOnSide(w, side), 0);
  const cutOff = new Set(w.ids.filter((id) => !w.links.get(id)!.some((p) => w.net.reachable(id, p))));
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
    behindAtHeal: behind,
    roundsToHeal: rounds,
    healAtMs: healAt,
    convergedAtMs: rounds === null ? null : (w.conv.curve().at(-1)?.[0] ?? null),
    sessions: { ...w.sessions },
    refused: w.refused(),
    curve: w.conv.curve(),
  };
}

/** Nodes of the side lacking some fact that a node of the side holds. */
function behindOnSide(w: SyncWorld, side: readonly string[]): number {
  const union = new Set(side.flatMap((id) => [...w.hosts.get(id)!.ids()]));
  return side.filter((id) => w.hosts.get(id)!.size < union.size).length;
}
