import type { Page } from '@playwright/test';
import type {} from '../../src/node/lab.ts';
import { openLabTab, withBrowserApp } from '../browser-app.ts';
import { rawInPage } from '../raw-page.ts';
import { median, report } from '../report.ts';

/**
 * `npm run bench:backup:browser`: the same as `bench:backup` in headless Chromium, through the lab handle of the
 * built app: a profile with MESSAGES messages is backed up; a fresh profile restores it. Each phase is timed from
 * the progress callbacks (the KDF alone is the `deriving` phase). Beside it in the same page, the raw costs:
 * WebCrypto Ed25519 verification of MESSAGES signatures at once, and one IndexedDB transaction putting MESSAGES
 * records of the same size into a bare store. RUNS rounds; medians as JSON lines.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const PASS = 'a benchmark passphrase';

type Phases = Record<string, number>;

/** Runs a backup (no file) or a restore of `file` in the page: ms per phase (from phase to next phase) and the total. */
async function timedInPage(page: Page, file: string | null): Promise<{ phases: Phases; total: number; file: string | null }> {
  return page.evaluate(
    // No named functions inside: tsx's keepNames would reference a helper the page does not have.
    async ([pass, b64]) => {
      const node = window.auraLab!.node;
      const marks: [string, number][] = [];
      // The base64 round trip carries the file between pages; it is kept out of the timings.
      const input = b64 === null ? null : Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
      const t0 = performance.now();
      const bytes = input === null ? await node.backups.backup(pass!, (p) => void (marks.at(-1)?.[0] !== p.phase && marks.push([p.phase, performance.now()]))) : null;
      if (input !== null) await node.backups.restoreBackup(input, pass!, (p) => void (marks.at(-1)?.[0] !== p.phase && marks.push([p.phase, performance.now()])));
      const total = performance.now() - t0;
      const out = bytes === null ? null : btoa(Array.from(bytes, (c) => String.fromCharCode(c)).join(''));
      const phases: Record<string, number> = {};
      marks.forEach(([name, at], i) => (phases[name] = (marks[i + 1]?.[1] ?? t0 + total) - at));
      return { phases, total, file: out };
    },
    [PASS, file] as const,
  );
}

async function main(): Promise<void> {
  await withBrowserApp('aura-bench-backup-', async ({ browser, base, relay }) => {
    const tag = Date.now();
    const source = await openLabTab(browser, base, `bench-backup-${tag}`, relay);
    await source.evaluate(async (n) => {
      const node = window.auraLab!.node;
      await node.createIdentity('Bench');
      const ch = await node.createChannel('general');
      for (let sent = 0; sent < n; sent += 1000) await Promise.all(Array.from({ length: Math.min(1000, n - sent) }, (_, i) => node.sendMessage(ch, `message ${sent + i} `.padEnd(80, '.'))));
    }, MESSAGES);
    const rows: Record<string, number[]> = {};
    const add = (k: string, v: number | undefined) => v !== undefined && (rows[k] ??= []).push(v);
    let size = 0;
    for (let run = 0; run < RUNS; run++) {
      const b = await timedInPage(source, null);
      size = (b.file!.length * 3) / 4;
      add('backup', b.total);
      add('backup-kdf', b.phases.deriving);
      const target = await openLabTab(browser, base, `bench-restored-${tag}-${run}`, relay);
      const r = await timedInPage(target, b.file);
      add('restore', r.total);
      add('restore-kdf', r.phases.deriving);
      add('restore-decrypt', r.phases.decrypting);
      add('restore-verify', r.phases.verifying);
      add('restore-write', r.phases.writing);
      const raw = await rawInPage(target, MESSAGES, Math.round(size / MESSAGES));
      add('baseline-verify', raw.verify);
      add('baseline-idb-put', raw.put);
      await target.close();
    }
    report('backup.browser.file-bytes', size, 'bytes');
    for (const [k, xs] of Object.entries(rows)) report(`backup.browser.${k}`, median(xs), 'ms');
    report('backup.browser.baseline-restore-sum', median(rows['restore-kdf']!) + median(rows['baseline-verify']!) + median(rows['baseline-idb-put']!), 'ms');
  });
}

await main();
