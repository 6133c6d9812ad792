import '../relay/polyfill.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import type {} from '../src/node/lab.ts';
import { build, preview } from 'vite';
import playwrightConfig from '../playwright.config.ts';
import { startRelay } from '../relay/relay.ts';
import { freePort } from './free-port.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a browser benchmark runs against: the built app served locally, a relay, and headless Chromium. */
export interface BrowserApp {
  readonly browser: Browser;
  readonly base: string;
  readonly relay: string;
}

/**
 * Builds the app (local networking allowed, so `window.auraLab` is set; BENCH_NO_MINIFY=1 keeps names for
 * profiles), serves it, starts a relay and Chromium, runs `body`, and tears everything down whatever happens.
 */
export async function withBrowserApp(prefix: string, body: (app: BrowserApp) => Promise<void>, extraPages: readonly string[] = []): Promise<void> {
  const relay = await startRelay({ port: 0 });
  const outDir = await mkdtemp(join(tmpdir(), prefix));
  const port = await freePort();
  process.env.VITE_AURA_ALLOW_LOCAL = '1';
  try {
    const input = extraPages.length === 0 ? undefined : [join(ROOT, 'index.html'), ...extraPages.map((p) => join(ROOT, p))];
    await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true, ...(process.env.BENCH_NO_MINIFY ? { minify: false } : {}), ...(input ? { rolldownOptions: { input } } : {}) } });
    const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
    const launch = playwrightConfig.use?.launchOptions ?? {};
    const browser = await chromium.launch({ executablePath: launch.executablePath ?? '/usr/bin/chromium', args: launch.args ?? [] });
    try {
      await body({ browser, base: `http://127.0.0.1:${port}`, relay: relay.address });
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await relay.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

/** A tab on its own profile (a device) in its own browser context, pointed at `relay`, once its lab handle is up. */
export async function openLabTab(browser: Browser, base: string, profile: string, relay: string, extra = ''): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error(`[${profile}] ${e.message}`));
  await page.goto(`${base}/?profile=${profile}&relay=${encodeURIComponent(relay)}${extra}`);
  await page.waitForFunction(() => window.auraLab !== undefined, undefined, { timeout: 30_000 });
  return page;
}

/** Two people through their lab handles: `a` makes identity `names[0]` and a channel, `b` makes `names[1]` and joins it. */
export async function labChannelPair(a: Page, b: Page, names: readonly [string, string], channelName: string): Promise<string> {
  const { channel, code } = await a.evaluate(
    async ([me, name]) => {
      const n = window.auraLab!.node;
      await n.createIdentity(me!);
      const ch = await n.createChannel(name!);
      return { channel: ch, code: n.joinCode(ch) };
    },
    [names[0], channelName],
  );
  await b.evaluate(
    async ([me, c]) => {
      const n = window.auraLab!.node;
      await n.createIdentity(me!);
      await n.joinChannel(c!);
    },
    [names[1], code],
  );
  return channel;
}
