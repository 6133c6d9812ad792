import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { build, preview } from 'vite';
import { freePort } from '../free-port.ts';
import { median } from '../report.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ColdStartOptions {
  readonly facts: number;
  readonly loads: number;
  /** Seed, then store a snapshot of the channel and prune its messages, as a completed snapshot does. */
  readonly snapshot?: boolean;
}

export interface ColdStart {
  /** Medians, ms from navigation start. */
  readonly channel: number;
  readonly messages: number;
  /** What the seed page measured (`bytesBefore`, `bytesAfter`, `usageBefore`, `usageAfter` with a snapshot). */
  readonly seeded: Record<string, string | undefined>;
  /** navigator.storage.estimate().usage after the loads (IndexedDB compacts deleted records lazily). */
  readonly usageAfterLoads: number;
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
export async function coldStart(browser: Browser, { facts, loads, snapshot = false }: ColdStartOptions): Promise<ColdStart> {
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
      await seedPage.goto(`http://127.0.0.1:${port}/bench/store/cold-seed.html?profile=bench-cold&facts=${facts}&snapshot=${snapshot ? 1 : 0}`);
      await seedPage.waitForFunction(() => document.body.dataset.state !== 'running', undefined, { timeout: 0, polling: 250 });
      if ((await seedPage.evaluate(() => document.body.dataset.state)) !== 'done') throw new Error('seeding failed');
      const seeded = await seedPage.evaluate(() => ({ ...document.body.dataset }));
      await seedPage.close();
      const page = await context.newPage();
      await page.addInitScript(WATCH_FIRST_RENDER);
      page.on('pageerror', (e) => console.error(`[app error] ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && console.error(`[app] ${m.text()}`));
      const channel: number[] = [];
      const messages: number[] = [];
      for (let i = 0; i <= loads; i++) {
        await page.goto(`http://127.0.0.1:${port}/?profile=bench-cold`);
        await page.waitForFunction(() => window.__auraMessagesAt !== undefined, undefined, { timeout: 60_000 }).catch(async (e: unknown) => {
          console.error(`[app never rendered a message] seeded ${JSON.stringify(seeded)}`);
          throw e;
        });
        const t = await page.evaluate(() => [window.__auraChannelAt!, window.__auraMessagesAt!]);
        // The first load fills the HTTP cache and installs the service worker; it is not a reload.
        if (i > 0) {
          channel.push(t[0]!);
          messages.push(t[1]!);
        }
      }
      console.error(`cold start${snapshot ? ' from a snapshot' : ''} (ms, channel): ${channel.map((x) => x.toFixed(0)).join(' ')}`);
      const usage = (await page.evaluate(() => navigator.storage.estimate())).usage ?? 0;
      return { channel: median(channel), messages: median(messages), seeded, usageAfterLoads: usage };
    } finally {
      await context.close();
      await server.close();
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

