import '../relay/polyfill.ts';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import playwrightConfig from '../playwright.config.ts';
import { startRelay } from '../relay/relay.ts';
import { freePort } from './free-port.ts';
import { median, report } from './report.ts';

/**
 * `npm run bench:first-load`: what a person waits for when opening the app. This tree and a baseline commit (the
 * app before the bundle was split) are both built for production (with local dialling allowed, as e2e builds
 * are), served by `vite preview`, and loaded in headless Chromium against one local relay, interleaved run by run.
 * Each run is a fresh browser context: a cold load (empty cache, no service worker), then, once the service
 * worker is active, a warm load in the same context (served by the worker's precache). Over loopback, and over
 * an emulated slow link where the download itself counts.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE = process.env.BENCH_BASE ?? 'afde396';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** Chromium's network emulation: about a good 4G link. Loopback makes every download free, which no user has. */
const SLOW = { offline: false, latency: 40, downloadThroughput: (10 * 1024 * 1024) / 8, uploadThroughput: (5 * 1024 * 1024) / 8 };
const LINKS = { loopback: null, slow: SLOW } as const;
type Link = keyof typeof LINKS;

declare global {
  interface Window {
    __firstLoadRelayAt?: number;
  }
}

interface Build {
  readonly name: 'base' | 'split';
  readonly outDir: string;
  readonly url: string;
}

interface Load {
  readonly fp: number;
  readonly fcp: number;
  readonly relay: number;
  /** Gzipped bytes of the scripts requested before first contentful paint, and of all scripts requested. */
  readonly jsBeforePaint: number;
  readonly jsLoaded: number;
  readonly controlled: boolean;
}

/**
 * Records when the header first says "Relay connected"; runs in the page before any of its scripts. A string,
 * because tsx would wrap a function's inner functions in a helper the page does not have.
 */
const WATCH_RELAY = `{
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-testid="net-status"][data-relay="connected"]') === null) return;
    window.__firstLoadRelayAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-relay'] });
}`;

const gzipped = new Map<string, number>();
async function gzSize(outDir: string, path: string): Promise<number> {
  const file = join(outDir, path);
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(await readFile(file)).length);
  return gzipped.get(file)!;
}

async function measure(page: Page, target: Build): Promise<Load> {
  await page.waitForFunction(() => window.__firstLoadRelayAt !== undefined, undefined, { timeout: 60_000, polling: 50 });
  const m = await page.evaluate(() => {
    const paint = new Map(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const scripts = performance
      .getEntriesByType('resource')
      .map((r) => ({ path: new URL(r.name).pathname, start: r.startTime }))
      .filter((r) => r.path.endsWith('.js'));
    return {
      fp: paint.get('first-paint') ?? NaN,
      fcp: paint.get('first-contentful-paint') ?? NaN,
      relay: window.__firstLoadRelayAt!,
      scripts,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
  let jsBeforePaint = 0;
  let jsLoaded = 0;
  for (const s of m.scripts) {
    const size = await gzSize(target.outDir, s.path);
    jsLoaded += size;
    if (s.start < m.fcp) jsBeforePaint += size;
  }
  return { fp: m.fp, fcp: m.fcp, relay: m.relay, jsBeforePaint, jsLoaded, controlled: m.controlled };
}

/** One run: a cold load in a fresh context, then a warm one once the service worker has precached the app. */
async function run(browser: Browser, target: Build, relay: string, link: Link, n: number): Promise<[Load, Load]> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(WATCH_RELAY);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${target.name}] ${e.message}`));
    const conditions = LINKS[link];
    if (conditions !== null) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', conditions);
    }
    const url = `${target.url}/?profile=first-load-${n}&relay=${encodeURIComponent(relay)}`;
    await page.goto(url);
    const cold = await measure(page, target);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.goto(url);
    const warm = await measure(page, target);
    if (!warm.controlled) throw new Error(`[${target.name}] the warm load was not served by the service worker`);
    return [cold, warm];
  } finally {
    await context.close();
  }
}

/** The baseline commit's tree, extracted (not checked out), sharing this checkout's node_modules. */
async function baselineTree(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aura-first-load-base-'));
  execFileSync('tar', ['-x', '-C', dir], { input: execFileSync('git', ['-C', ROOT, 'archive', BASE], { maxBuffer: 1 << 28 }) });
  await symlink(await realpath(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

function summarise(name: string, loads: readonly Load[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['fp', 'fcp', 'relay'] as const) {
    const xs = loads.map((l) => l[key]);
    report(`${name}.${key}`, median(xs), 'ms');
    report(`${name}.${key}.min`, Math.min(...xs), 'ms');
    report(`${name}.${key}.max`, Math.max(...xs), 'ms');
    out[key] = median(xs);
  }
  for (const key of ['jsBeforePaint', 'jsLoaded'] as const) {
    out[key] = median(loads.map((l) => l[key]));
    report(`${name}.${key}`, out[key] / 1024, 'KiB gzip');
  }
  return out;
}

async function main(): Promise<void> {
  process.env.VITE_AURA_ALLOW_LOCAL = '1';
  const work = await mkdtemp(join(tmpdir(), 'aura-first-load-'));
  const baseRoot = await baselineTree();
  const relay = await startRelay({ port: 0 });
  const servers: { close(): Promise<void> }[] = [];
  const launch = playwrightConfig.use?.launchOptions ?? {};
  const browser = await chromium.launch({ executablePath: launch.executablePath ?? '/usr/bin/chromium', args: launch.args ?? [] });
  try {
    const builds: Build[] = [];
    for (const [name, root] of [['base', baseRoot], ['split', ROOT]] as const) {
      const outDir = join(work, name);
      await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
      const port = await freePort();
      servers.push(await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } }));
      builds.push({ name, outDir, url: `http://127.0.0.1:${port}` });
    }
    for (const b of builds) {
      let total = 0;
      for (const f of await readdir(join(b.outDir, 'assets'))) if (f.endsWith('.js')) total += await gzSize(b.outDir, `/assets/${f}`);
      report(`firstload.${b.name}.jsBuilt`, total / 1024, 'KiB gzip');
    }
    for (const link of Object.keys(LINKS) as Link[]) {
      const loads = new Map<string, Load[]>();
      for (let i = 0; i < RUNS; i++) {
        // Alternate which build goes first, so a slow spell of the machine hits both.
        for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
          const [cold, warm] = await run(browser, b, relay.address, link, i);
          for (const [cache, load] of [['cold', cold], ['warm', warm]] as const) {
            const key = `${b.name}.${link}.${cache}`;
            loads.set(key, [...(loads.get(key) ?? []), load]);
          }
        }
      }
      for (const cache of ['cold', 'warm']) {
        const base = summarise(`firstload.base.${link}.${cache}`, loads.get(`base.${link}.${cache}`)!);
        const split = summarise(`firstload.split.${link}.${cache}`, loads.get(`split.${link}.${cache}`)!);
        for (const key of ['fcp', 'relay', 'jsBeforePaint'] as const) report(`firstload.ratio.${link}.${cache}.${key}`, split[key]! / base[key]!, 'split/base');
      }
    }
    console.error(`Chromium ${browser.version()}; baseline ${BASE}; ${RUNS} runs per build, link and cache`);
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
    await relay.stop();
    await rm(work, { recursive: true, force: true });
    // The link first, so that removing the tree can never reach the shared node_modules behind it.
    await unlink(join(baseRoot, 'node_modules'));
    await rm(baseRoot, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
