import { pick } from './clock.ts';
import type { Curve } from './convergence.ts';
import { ROUND_MS, SyncWorld, type Fanout } from './sync-world.ts';

export interface ChurnOptions {
  readonly n: number;
  readonly seed: number;
  readonly fanout?: Fanout;
  /** Rounds during which writers write and nodes leave and join. */
  readonly writeRounds?: number;
  readonly writers?: number;
  /** Per round: chance an online node leaves, chance an offline one comes back, new nodes joining (fraction of n). */
  readonly leave?: number;
  readonly back?: number;
  readonly join?: number;
}

export interface ChurnResult {
  readonly scenario: 'churn';
  readonly n: number;
  readonly seed: number;
  readonly fanout: Fanout;
  readonly facts: number;
  /** Node departures, returns and brand-new joins during the writes. */
  readonly left: number;
  readonly returned: number;
  readonly joined: number;
  readonly nodesAtEnd: number;
  /** After writes and churn stop (everyone back online): rounds and ms until every node holds every fact. */
  readonly roundsToConverge: number | null;
  readonly convergeMs: number | null;
  readonly sessions: { ok: number; failed: number };
  /** Received facts the core's validation refused (0: every written fact is valid). */
  readonly refused: number;
  readonly curve: Curve;
}

/**
 * Writers write one fact each per round while, each round, online nodes leave (with their journals), offline
 * ones come back, and brand-new nodes join with empty journals, linked to random online nodes. Then churn and
 * writes stop, every node is back, and rounds run until every node holds every fact.
 */
export async function churn(opts: ChurnOptions): Promise<ChurnResult> {
  const fanout = opts.fanout ?? 'all';
  const rounds = opts.writeRounds ?? 8;
  const leave = opts.leave ?? 0.1;
  const back = opts.back ?? 0.3;
  const joins = Math.max(1, Math.round((opts.join ?? 0.02) * opts.n));
  const w = new SyncWorld(opts.n, opts.seed);
  w.seed('history', 20);
  // Writers stay online: what they wrote must be able to leave their device at all.
  const writerNodes = w.ids.slice(0, opts.writers ?? 4);
  const writers = writerNodes.map((id, k) => w.writer(id, `churn-${k}`));
  let left = 0;
  let returned = 0;
  let joined = 0;
  w.measure();
  for (let r = 0; r < rounds; r++) {
    const start = r * ROUND_MS;
    w.q.at(start, () => {
      for (const id of w.ids) {
        if (writerNodes.includes(id)) continue;
        if (w.net.isOnline(id) && w.rnd() < leave) {
          w.net.setOnline(id, false);
          left++;
        } else if (!w.net.isOnline(id) && w.rnd() < back) {
          w.net.setOnline(id, true);
          returned++;
        }
      }
      for (let k = 0; k < joins; k++, joined++) w.join();
      w.measure();
    });
    for (const writer of writers) w.q.at(start + pick(w.rnd, ROUND_MS), writer.write);
    w.scheduleRound(start, fanout);
  }
  const end = rounds * ROUND_MS;
  await w.q.runUntil(end);
  for (const id of w.ids) if (!w.net.isOnline(id)) w.net.setOnline(id, true);
  w.measure();
  const converged = await w.roundsToConverge(end, fanout, 20);
  const last = w.conv.curve().at(-1)?.[0] ?? end;
  return {
    scenario: 'churn',
    n: opts.n,
    seed: opts.seed,
    fanout,
    facts: w.written.size,
    left,
    returned,
    joined,
    nodesAtEnd: w.hosts.size,
    roundsToConverge: converged,
    convergeMs: converged === null ? null : last - end,
    sessions: { ...w.sessions },
    refused: w.refused(),
    curve: w.conv.curve(),
  };
}
