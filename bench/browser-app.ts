import '../relay/polyfill.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
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
 * Builds the app (local networking allowed, so `window.auraLab` is set), serves it, starts a relay and
 * Chromium, runs `body`, and tears everything down whatever happens.
 */
export async function withBrowserApp(prefix: string, body: (app: BrowserApp) => Promise<void>, extraPages: readonly string[] = []): Promise<void> {
  const relay = await startRelay({ port: 0 });
  const outDir = await mkdtemp(join(tmpdir(), prefix));
  const port = await freePort();
  process.env.VITE_AURA_ALLOW_LOCAL = '1';
  try {
    const input = extraPages.length === 0 ? undefined : [join(ROOT, 'index.html'), ...extraPages.map((p) => join(ROOT, p))];
    await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true, ...(input ? { rolldownOptions: { input } } : {}) } });
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
