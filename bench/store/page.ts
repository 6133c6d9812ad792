import { deleteDB, openDB, type DBSchema } from 'idb';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { FactId } from '../../src/core/ids.ts';
import { openStore } from '../../src/store/index.ts';
import { mixedFacts } from '../../test/support/mixed-facts.ts';
import { median, report } from '../report.ts';
import { readOptions, type StoreBenchOptions } from './options.ts';

/**
 * Batched IndexedDB ingest in the browser, run by `npm run bench:store` (bench/store/run.ts) or by hand at
 * /bench/store/index.html. Each round times the same facts written two ways into a fresh database:
 * raw `idb` puts of {id, bytes} (the floor: one store, no index, records prepared untimed) and
 * `AuraStore.appendFacts` (our schema and index, record building and dedupe included). Rounds alternate
 * which goes first so drift (GC, disk, other load) falls on both alike.
 */

interface RawDB extends DBSchema {
  facts: { key: FactId; value: { id: FactId; bytes: Uint8Array } };
}

const out = document.getElementById('out')!;

/** Progress goes to console.info (the runner shows it on stderr) and onto the page. */
function log(line: string): void {
  out.textContent += `${line}\n`;
  console.info(line);
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const res: T[][] = [];
  for (let i = 0; i < xs.length; i += size) res.push(xs.slice(i, i + size));
  return res;
}

function expectCount(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: ${got} facts stored, expected ${want}`);
}

async function rawIngest(name: string, batches: readonly { id: FactId; bytes: Uint8Array }[][], unique: number): Promise<number> {
  const db = await openDB<RawDB>(name, 1, { upgrade: (d) => void d.createObjectStore('facts', { keyPath: 'id' }) });
  try {
    const t = performance.now();
    for (const batch of batches) {
      const tx = db.transaction('facts', 'readwrite');
      await Promise.all([...batch.map((r) => tx.store.put(r)), tx.done]);
    }
    const ms = performance.now() - t;
    expectCount('raw', await db.count('facts'), unique);
    return ms;
  } finally {
    db.close();
    await deleteDB(name);
  }
}

async function storeIngest(name: string, batches: readonly ValidatedFact[][], unique: number): Promise<number> {
  const store = await openStore(name);
  try {
    const t = performance.now();
    for (const batch of batches) await store.appendFacts(batch);
    const ms = performance.now() - t;
    expectCount('store', await store.countFacts(), unique);
    return ms;
  } finally {
    store.close();
    await deleteDB(name);
  }
}

async function run(o: StoreBenchOptions): Promise<void> {
  log(`generating and signing ${o.facts} mixed facts (untimed)…`);
  const { authority, context } = mixedFacts(o.facts);
  const facts = [...authority, ...context];
  const unique = new Set(facts.map((f) => f.id)).size;
  // Raw records hold exactly the fact's bytes (encoders hand out views into larger pooled buffers).
  const records = facts.map((f) => ({ id: f.id, bytes: f.bytes.slice() }));
  const rawBatches = chunks(records, o.batch);
  const storeBatches = chunks(facts, o.batch);
  const meanBytes = records.reduce((n, r) => n + r.bytes.length, 0) / records.length;
  log(`${facts.length} facts (${unique} distinct), mean ${Math.round(meanBytes)} B, batches of ${o.batch}`);

  const runId = crypto.randomUUID();
  const rawOnce = (i: number | 'warm') => rawIngest(`bench-store-raw-${runId}-${i}`, rawBatches, unique);
  const storeOnce = (i: number | 'warm') => storeIngest(`bench-store-append-${runId}-${i}`, storeBatches, unique);

  await rawOnce('warm');
  await storeOnce('warm');
  const raw: number[] = [];
  const ours: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < o.rounds; i++) {
    let r: number;
    let s: number;
    if (i % 2 === 0) {
      r = await rawOnce(i);
      s = await storeOnce(i);
    } else {
      s = await storeOnce(i);
      r = await rawOnce(i);
    }
    raw.push((facts.length / r) * 1000);
    ours.push((facts.length / s) * 1000);
    ratios.push(r / s);
    log(`round ${i + 1}/${o.rounds}: raw ${Math.round(r)} ms, appendFacts ${Math.round(s)} ms`);
  }

  const size = `${facts.length}x${o.batch}`;
  report('store.fact.bytes.mean', meanBytes, 'B');
  report(`store.raw-idb-put.${size}`, median(raw), 'facts/s');
  report(`store.appendFacts.${size}`, median(ours), 'facts/s');
  // Median of the per-round ratios: each pair ran back to back, so this cancels drift between rounds.
  report('store.ratio.appendFacts/raw', median(ratios), 'x');
}

// The runner waits on body[data-state]; the figures themselves travel as console.log lines.
Promise.resolve()
  .then(() => run(readOptions(location.search)))
  .then(
    () => {
      document.body.dataset.state = 'done';
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      out.textContent += `failed: ${String(e)}\n`;
      document.body.dataset.state = 'failed';
    },
  );
