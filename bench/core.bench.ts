import { webcrypto } from 'node:crypto';
import { sign, verify } from '../src/core/crypto/ed25519.ts';
import type { ValidatedFact } from '../src/core/facts/fact.ts';
import { validateFact, validateFactWith, type SignatureVerifier } from '../src/core/facts/validate.ts';
import { toHex } from '../src/core/encoding/bytes.ts';
import { Journal } from '../src/core/journal/journal.ts';
import { namespaceReducer } from '../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../src/core/reduce/reducer.ts';
import { deviceKey } from '../test/support/fixtures.ts';
import { lcg } from '../test/support/tree-pool.ts';
import { mixedFacts } from '../test/support/mixed-facts.ts';
import { median, percentile, report, timeRuns } from './report.ts';

/**
 * Core benchmarks. Setup (signing 100k facts) is not timed. Run: `npm run bench:core`
 * (BENCH_FACTS=n to change the journal size).
 */
const N = Number(process.env.BENCH_FACTS ?? 100_000);

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rnd = lcg(seed);
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function benchReduction(all: ValidatedFact[][]): void {
  const full = timeRuns(5, () => {
    for (const facts of all) reduceAll(namespaceReducer, facts);
  });
  report(`reduce.full.${N}`, median(full), 'ms');

  // Incremental: a state holding all but the last 2000 facts absorbs them one at a time, in arrival order
  // shuffled, as a node does when facts trickle in from peers.
  const perFact: number[] = [];
  for (const facts of all) {
    const order = shuffled(facts, 7);
    const tail = order.splice(order.length - Math.min(2000, Math.floor(order.length / 10)));
    const st = reduceAll(namespaceReducer, order);
    for (const f of tail) {
      const t = performance.now();
      namespaceReducer.apply(st, f);
      perFact.push((performance.now() - t) * 1000);
    }
  }
  report('reduce.incremental.median', median(perFact), 'µs/fact');
  report('reduce.incremental.p99', percentile(perFact, 99), 'µs/fact');
}

function benchMerge(context: ValidatedFact[]): void {
  const ns = context[0]!.fact.ns;
  const half = Math.floor(N / 2);
  const pool = shuffled(context, 3);
  // Two 50k journals sharing 10% of their facts, as two replicas after a partition.
  const a = Journal.of(ns, pool.slice(0, half));
  const b = Journal.of(ns, pool.slice(Math.floor(half * 0.9), Math.floor(half * 0.9) + half));
  let size = 0;
  report(`journal.merge.${half}+${half}`, median(timeRuns(5, () => (size = a.merge(b).size))), 'ms');
  report('journal.merge.result', size, 'facts');
}

async function benchValidate(context: ValidatedFact[]): Promise<void> {
  const sample = context.slice(0, 5000);
  const ms = median(timeRuns(3, () => sample.forEach((f) => validateFact(f.bytes))));
  report('validate.noble', (sample.length / ms) * 1000, 'facts/s');
  const keys = new Map<string, CryptoKey>();
  const webCryptoVerify: SignatureVerifier = async (sig, msg, pk) => {
    const hex = toHex(pk);
    let key = keys.get(hex);
    if (!key) keys.set(hex, (key = await webcrypto.subtle.importKey('raw', pk, { name: 'Ed25519' }, false, ['verify'])));
    return webcrypto.subtle.verify('Ed25519', key, sig, msg);
  };
  const runs: number[] = [];
  for (let r = 0; r < 4; r++) {
    const t = performance.now();
    await Promise.all(sample.map((f) => validateFactWith(f.bytes, webCryptoVerify)));
    runs.push(performance.now() - t);
  }
  report('validate.webcrypto', (sample.length / median(runs.slice(1))) * 1000, 'facts/s');
}

async function benchSignatures(): Promise<void> {
  const key = deviceKey('bench-sig');
  const msgs = Array.from({ length: 2000 }, (_, i) => new TextEncoder().encode(`fact body ${i} `.repeat(8)));
  const sigs = msgs.map((m) => sign(m, key.secretKey));
  const rate = (ms: number) => (msgs.length / ms) * 1000;
  const nobleSign = median(timeRuns(3, () => msgs.forEach((m) => sign(m, key.secretKey))));
  const nobleVerify = median(timeRuns(3, () => msgs.forEach((m, i) => verify(sigs[i]!, m, key.publicKey))));

  const subtle = webcrypto.subtle;
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...key.secretKey]);
  const priv = await subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  const pub = await subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
  const time = async (fn: () => Promise<unknown>) => {
    await fn();
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await fn();
      runs.push(performance.now() - t);
    }
    return median(runs);
  };
  const wcSign = await time(() => Promise.all(msgs.map((m) => subtle.sign('Ed25519', priv, m))));
  const wcVerify = await time(() => Promise.all(msgs.map((m, i) => subtle.verify('Ed25519', pub, sigs[i]!, m))));
  const wcSig = new Uint8Array(await subtle.sign('Ed25519', priv, msgs[0]!));
  if (!verify(wcSig, msgs[0]!, key.publicKey)) throw new Error('WebCrypto and noble disagree on Ed25519');

  report('sign.noble', rate(nobleSign), 'ops/s');
  report('sign.webcrypto', rate(wcSign), 'ops/s');
  report('verify.noble', rate(nobleVerify), 'ops/s');
  report('verify.webcrypto', rate(wcVerify), 'ops/s');
  report('verify.webcrypto_over_noble', nobleVerify / wcVerify, 'x');
}

const t0 = performance.now();
const { authority, context } = mixedFacts(N);
console.error(`generated ${authority.length + context.length} signed facts in ${Math.round(performance.now() - t0)} ms`);
benchReduction([authority, context]);
benchMerge(context);
await benchValidate(context);
await benchSignatures();
