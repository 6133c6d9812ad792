import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { build, preview } from 'vite';
import playwrightConfig from '../../playwright.config.ts';
import { freePort } from '../free-port.ts';
import { median, report } from '../report.ts';
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

declare global {
  interface Window {
    __auraChannelAt?: number;
    __auraMessagesAt?: number;
  }
}

/**
 * Marks, from navigation start, when the first channel and the first message appear in the DOM. A string,
 * not a function: tsx would wrap a function with helpers that do not exist in the page.
 */
const WATCH_FIRST_RENDER = `
  new MutationObserver(() => {
    if (window.__auraChannelAt === undefined && document.querySelector('[data-testid="channel-item"]')) window.__auraChannelAt = performance.now();
    if (window.__auraMessagesAt === undefined && document.querySelector('[data-testid="message"]')) window.__auraMessagesAt = performance.now();
  }).observe(document, { childList: true, subtree: true });
`;

/**
 * Cold start with a seeded journal: the real app (project config, PWA included) and a seeding page are
 * built together so both share an origin; the seed page fills profile `bench-cold`, then the app is loaded
 * `loads` times and the time from navigation start to the first rendered channel (and message) is taken.
 */
async function coldStart(browser: Browser, facts: number, loads: number): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), 'aura-bench-cold-'));
  const port = await freePort();
  try {
    await build({
      root: ROOT,
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, rolldownOptions: { input: { app: resolve(ROOT, 'index.html'), seed: resolve(ROOT, 'bench/store/cold-seed.html') } } },
    });
    const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
    const context = await browser.newContext();
    try {
      const seedPage = await context.newPage();
      seedPage.on('pageerror', (e) => console.error(`[seed error] ${e.message}`));
      seedPage.on('console', (m) => m.type() === 'error' && console.error(`[seed] ${m.text()}`));
      await seedPage.goto(`http://127.0.0.1:${port}/bench/store/cold-seed.html?profile=bench-cold&facts=${facts}`);
      await seedPage.waitForFunction(() => document.body.dataset.state !== 'running', undefined, { timeout: 0, polling: 250 });
      if ((await seedPage.evaluate(() => document.body.dataset.state)) !== 'done') throw new Error('seeding failed');
      await seedPage.close();
      const page = await context.newPage();
      await page.addInitScript(WATCH_FIRST_RENDER);
      const channel: number[] = [];
      const messages: number[] = [];
      for (let i = 0; i <= loads; i++) {
        await page.goto(`http://127.0.0.1:${port}/?profile=bench-cold`);
        await page.waitForFunction(() => window.__auraMessagesAt !== undefined, undefined, { timeout: 60_000 });
        const t = await page.evaluate(() => [window.__auraChannelAt!, window.__auraMessagesAt!]);
        // The first load fills the HTTP cache and installs the service worker; it is not a reload.
        if (i > 0) {
          channel.push(t[0]!);
          messages.push(t[1]!);
        }
      }
      console.error(`cold start (ms, channel): ${channel.map((x) => x.toFixed(0)).join(' ')}`);
      report(`store.coldStart.channel.${facts}`, median(channel), 'ms');
      report(`store.coldStart.messages.${facts}`, median(messages), 'ms');
    } finally {
      await context.close();
      await server.close();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
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
      await coldStart(browser, opts.facts, 5);
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
