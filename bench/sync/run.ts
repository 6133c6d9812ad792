import { DecoderWrapper, EncoderWrapper, ready } from '@peerbit/riblt';
import { DEFAULT_FRAME_LIMIT, ItemSet, type SyncItem } from '../../src/core/sync/index.ts';
import { median, report } from '../report.ts';
import { exchange, replicas, type Replicas } from './scenario.ts';

/**
 * `npm run bench:sync`: two replicas of N = 100 000 items differing by d ∈ {0, 1, 10, 100, 1000} (half on each
 * side, uniformly placed — see scenario.ts), reconciled by
 *   - ours: src/core/sync through serialised bytes, frames ≤ 16 KiB; protocol bytes only;
 *   - naive: the initiator sends all its ids (32 B each), the responder the ids it lacks (one request, one
 *     reply, unframed);
 *   - riblt: @peerbit/riblt (rateless IBLT). Its wasm build takes 64-bit symbols, so each id enters as its
 *     first 8 bytes; the coded-symbol count does not depend on the symbol width, and the bytes are counted as
 *     for 32-byte ids: sum (32) + checksum (8) + varint count, per coded symbol. One round trip: the decoder
 *     asks, the encoder streams until told to stop.
 * Then once more for d = 1000 clustered in recent history (the d differing items among the newest 2d, the two
 * sides interleaved, so count gaps say nothing), the shape real divergence has; and the worst round trips and
 * bytes over SEEDS other replica draws for d = 100 and 1000. BENCH_N overrides N.
 */
const N = Number(process.env.BENCH_N ?? 100_000);
const DS = [0, 1, 10, 100, 1000];
const RUNS = 5;
const SEEDS = 8;

function u64(id: Uint8Array): bigint {
  let v = 0n;
  for (let k = 0; k < 8; k++) v = (v << 8n) | BigInt(id[k]!);
  return v;
}

function varintBytes(n: bigint): number {
  let zig = n < 0n ? -2n * n - 1n : 2n * n;
  let size = 1;
  while (zig >= 0x80n) {
    zig >>= 7n;
    size++;
  }
  return size;
}

function riblt(r: Replicas): { symbols: number; bytes: number; ms: number; found: number } {
  const t = performance.now();
  const enc = new EncoderWrapper();
  for (const item of r.b) enc.add_symbol(u64(item.id));
  const dec = new DecoderWrapper();
  for (const item of r.a) dec.add_symbol(u64(item.id));
  let symbols = 0;
  let bytes = 0;
  for (;;) {
    const coded = enc.produce_next_coded_symbol() as { count: bigint };
    symbols++;
    bytes += 32 + 8 + varintBytes(coded.count);
    dec.add_coded_symbol(coded);
    dec.try_decode();
    if (dec.decoded()) break;
  }
  const found = dec.get_remote_symbols().length + dec.get_local_symbols().length;
  const ms = performance.now() - t;
  enc.free();
  dec.free();
  return { symbols, bytes, ms, found };
}

function ours(label: string, r: Replicas, d: number): void {
  const a = ItemSet.from(r.a);
  const b = ItemSet.from(r.b);
  const times: number[] = [];
  let x = exchange(a, b);
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    x = exchange(a, b);
    times.push(performance.now() - t);
  }
  if (x.have.length + x.need.length !== d) throw new Error(`${label}: found ${x.have.length + x.need.length} of ${d} differences`);
  const total = x.bytesUp + x.bytesDown;
  report(`sync.${label}.ours.round_trips`, x.roundTrips, 'rt');
  report(`sync.${label}.ours.bytes_initiator_to_responder`, x.bytesUp, 'B');
  report(`sync.${label}.ours.bytes_responder_to_initiator`, x.bytesDown, 'B');
  report(`sync.${label}.ours.bytes_total`, total, 'B');
  if (d > 0) report(`sync.${label}.ours.bytes_per_difference`, total / d, 'B');
  report(`sync.${label}.ours.largest_message`, x.largestMessage, 'B');
  report(`sync.${label}.ours.time`, median(times), 'ms');
  const naiveUp = r.a.length * 32;
  const naiveDown = x.need.length * 32;
  report(`sync.${label}.naive.round_trips`, 1, 'rt');
  report(`sync.${label}.naive.frames_initiator_to_responder`, Math.ceil(naiveUp / DEFAULT_FRAME_LIMIT), 'frames');
  report(`sync.${label}.naive.bytes_initiator_to_responder`, naiveUp, 'B');
  report(`sync.${label}.naive.bytes_responder_to_initiator`, naiveDown, 'B');
  report(`sync.${label}.naive_over_ours`, (naiveUp + naiveDown) / total, 'x');
  const rib = riblt(r);
  if (rib.found !== d) throw new Error(`${label}: riblt decoded ${rib.found} of ${d} differences`);
  report(`sync.${label}.riblt.round_trips`, 1, 'rt');
  report(`sync.${label}.riblt.coded_symbols`, rib.symbols, 'symbols');
  report(`sync.${label}.riblt.bytes`, rib.bytes, 'B');
  report(`sync.${label}.riblt.time`, rib.ms, 'ms');
}

/** The d differing items among the newest 2d, half on each side. */
function recent(n: number, d: number): Replicas {
  const { a } = replicas(n, 0);
  const cut = a.length - 2 * d;
  const newest = a.slice(cut);
  const only = (k: number): 'a' | 'b' | undefined => (k % 2 === 0 ? (k % 4 === 0 ? 'a' : 'b') : undefined);
  const pick = (side: 'a' | 'b'): SyncItem[] => [...a.slice(0, cut), ...newest.filter((_, k) => only(k) !== (side === 'a' ? 'b' : 'a'))];
  return { a: pick('a'), b: pick('b') };
}

await ready;
{
  const { a } = replicas(N, 0);
  const build = median(Array.from({ length: RUNS }, () => {
    const t = performance.now();
    ItemSet.from(a);
    return performance.now() - t;
  }));
  report('sync.item_set.build_100k', build, 'ms');
  const set = ItemSet.from(a.slice(0, N - 10_000));
  const t = performance.now();
  for (const item of a.slice(N - 10_000)) set.insert(item);
  report('sync.item_set.insert', ((performance.now() - t) * 1000) / 10_000, 'µs/item');
}
for (const d of DS) ours(`d${d}`, replicas(N, d), d);
ours('recent_d1000', recent(N, 1000), 1000);
for (const d of [100, 1000]) {
  let worstRoundTrips = 0;
  let worstBytes = 0;
  for (let seed = 2; seed < 2 + SEEDS; seed++) {
    const r = replicas(N, d, seed);
    const x = exchange(ItemSet.from(r.a), ItemSet.from(r.b));
    if (x.have.length + x.need.length !== d) throw new Error(`seed ${seed}: found ${x.have.length + x.need.length} of ${d}`);
    worstRoundTrips = Math.max(worstRoundTrips, x.roundTrips);
    worstBytes = Math.max(worstBytes, x.bytesUp + x.bytesDown);
  }
  report(`sync.d${d}.seeds${SEEDS}.worst_round_trips`, worstRoundTrips, 'rt');
  report(`sync.d${d}.seeds${SEEDS}.worst_bytes_total`, worstBytes, 'B');
}
