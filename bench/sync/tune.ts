import { ItemSet, type SyncOptions } from '../../src/core/sync/index.ts';
import { exchange, replicas } from './scenario.ts';

/**
 * Parameter sweep behind the defaults: `npx tsx bench/sync/tune.ts [N] [JSON list of SyncOptions] [seeds]`
 * prints, per option set and d, the mean bytes (both directions) and round trips over the seeds.
 */
const N = Number(process.argv[2] ?? 100_000);
const grid: SyncOptions[] = JSON.parse(process.argv[3] ?? '[{}]');
const seeds = Number(process.argv[4] ?? 3);
const ds = [0, 1, 10, 100, 1000];
const sets = ds.flatMap((d) =>
  Array.from({ length: seeds }, (_, s) => {
    const { a, b } = replicas(N, d, s + 1);
    return { d, a: ItemSet.from(a), b: ItemSet.from(b) };
  }),
);
for (const opts of grid) {
  const row: string[] = [];
  for (const d of ds) {
    let bytes = 0;
    let rts = 0;
    let worstRts = 0;
    for (const { a, b } of sets.filter((s) => s.d === d)) {
      const x = exchange(a, b, opts);
      if (x.have.length + x.need.length !== d) throw new Error(`wrong difference at d=${d}`);
      bytes += x.bytesUp + x.bytesDown;
      rts += x.roundTrips;
      worstRts = Math.max(worstRts, x.roundTrips);
    }
    row.push(`d${d}:${Math.round(bytes / seeds)}B/${(rts / seeds).toFixed(1)}rt(≤${worstRts})`);
  }
  console.log(JSON.stringify(opts), row.join(' '));
}
