import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import playwrightConfig from '../../playwright.config.ts';
import { freePort } from '../free-port.ts';
import { report } from '../report.ts';
import { coldStart } from './cold-start.ts';
import { DEFAULT_OPTIONS, toQuery, type StoreBenchOptions } from './options.ts';

/**
 * `npm run bench:store`: builds bench/store/index.html for production into a temporary directory, serves
 * it with `vite preview` on a free port, opens it in headless Debian Chromium (the executable and flags of
 * playwright.config.ts) and forwards the page's JSON figure lines to stdout; progress goes to stderr.
 * BENCH_FACTS, BENCH_BATCH and BENCH_ROUNDS override the defaults (10 000 facts, batches of 500, 7 rounds).
 *
 * A production build, not the dev server: the figures are those of the code users run, and the dev
 * server's dependency optimizer could reload the page mid-run. The bench uses no project plugins (React,
 * PWA), so it is built without the project's vite.config.ts — a service worker would only add noise.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw === undefined ? fallback : Number(raw);
}


function isFigureLine(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && 'bench' in v && 'value' in v && 'unit' in v;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const opts: StoreBenchOptions = {
    facts: envInt('BENCH_FACTS', DEFAULT_OPTIONS.facts),
    batch: envInt('BENCH_BATCH', DEFAULT_OPTIONS.batch),
    rounds: envInt('BENCH_ROUNDS', DEFAULT_OPTIONS.rounds),
  };
  const outDir = await mkdtemp(join(tmpdir(), 'aura-bench-store-'));
  const port = await freePort();
  const shared = { configFile: false as const, root: ROOT, logLevel: 'warn' as const, build: { outDir } };
  try {
    await build({
      ...shared,
      build: { outDir, emptyOutDir: true, target: 'es2022', rolldownOptions: { input: resolve(ROOT, 'bench/store/index.html') } },
    });
    const server = await preview({ ...shared, preview: { host: '127.0.0.1', port, strictPort: true } });
    const launch = playwrightConfig.use?.launchOptions ?? {};
    const browser = await chromium.launch({ executablePath: launch.executablePath ?? '/usr/bin/chromium', args: launch.args ?? [] });
    try {
      const page = await browser.newPage();
      page.on('console', (msg) => {
        const text = msg.text();
        if (msg.type() === 'log' && isFigureLine(text)) console.log(text);
        else console.error(`[page ${msg.type()}] ${text}`);
      });
      page.on('pageerror', (e) => console.error(`[page error] ${e.stack ?? e.message}`));
      console.error(`${browser.version()} · ${opts.facts} facts, batches of ${opts.batch}, ${opts.rounds} rounds`);
      await page.goto(`http://127.0.0.1:${port}/bench/store/index.html${toQuery(opts)}`);
      await page.waitForFunction(() => document.body.dataset.state !== 'running', undefined, { timeout: 0, polling: 250 });
      const state = await page.evaluate(() => document.body.dataset.state);
      if (state !== 'done') throw new Error('the benchmark page failed (see its errors above)');
      const cold = await coldStart(browser, { facts: opts.facts, loads: 5 });
      report(`store.coldStart.channel.${opts.facts}`, cold.channel, 'ms');
      report(`store.coldStart.messages.${opts.facts}`, cold.messages, 'ms');
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
