import type { Browser, Page } from '@playwright/test';
import type {} from '../../src/node/lab.ts';
import { openLabTab, withBrowserApp } from '../browser-app.ts';
import { median, percentile, report } from '../report.ts';

/**
 * `npm run bench:consensus:browser`: one person's three devices as three tabs of headless Chromium, through a
 * local relay. Measured in one run: enrollment (code entered → Committed on the new tab), the DKG for 2-of-3,
 * the fast path (a t = 2 tree op written → applied, i.e. attested by the devices' consensus), the same with one
 * witness offline (fallback), and, as the baseline, one message's one-way latency between two of the tabs.
 * Tabs share one clock (performance.timeOrigin + now).
 */
const COMMITS = Number(process.env.BENCH_COMMITS ?? 8);
const FALLBACKS = Number(process.env.BENCH_FALLBACKS ?? 3);
const LATENCY = Number(process.env.BENCH_MESSAGES ?? 20);
const now = (p: Page) => p.evaluate(() => performance.timeOrigin + performance.now());

const tab = (browser: Browser, base: string, relay: string, profile: string): Promise<Page> => openLabTab(browser, base, profile, relay);

const threshold = (p: Page, t: number) => p.waitForFunction((want) => window.auraLab!.node.account()?.summary.threshold === want, t, { timeout: 120_000, polling: 'raf' });

async function enroll(a: Page, b: Page): Promise<number> {
  // As a person would: the new tab is open (and connected) by the time the code is typed into it.
  const laptop = await a.evaluate(() => window.auraLab!.node.identity()!.deviceId);
  await b.waitForFunction((d) => window.auraLab!.node.network().peers.some((p) => p.deviceId === d), laptop, { timeout: 60_000 });
  const code = await a.evaluate(() => window.auraLab!.node.devices.addDevice().code!);
  const start = await b.evaluate((c) => {
    const at = performance.timeOrigin + performance.now();
    window.auraLab!.node.devices.enrollWithCode(c);
    return at;
  }, code);
  await b.waitForFunction(() => window.auraLab!.node.devices.ceremonies()[0]?.state.type === 'Committed', undefined, { timeout: 120_000, polling: 'raf' });
  return (await now(b)) - start;
}

/** Lowers the threshold to 1 (an op the devices must attest at t = 2), timed to its application on `a`. */
async function attestedOp(a: Page): Promise<number> {
  const start = await a.evaluate(async () => {
    const at = performance.timeOrigin + performance.now();
    await window.auraLab!.node.threshold.setThreshold(1);
    return at;
  });
  await threshold(a, 1);
  return (await now(a)) - start;
}

async function twoOfThree(pages: Page[]): Promise<number> {
  const start = await now(pages[0]!);
  await pages[0]!.evaluate(() => window.auraLab!.node.threshold.setThreshold(2));
  for (const p of pages) await threshold(p, 2);
  return (await now(pages[0]!)) - start;
}

async function oneWay(a: Page, b: Page, channel: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < LATENCY; i++) {
    const text = `lat-${i}`;
    const start = await a.evaluate(async ([ch, t]) => {
      const at = performance.timeOrigin + performance.now();
      await window.auraLab!.node.sendMessage(ch!, t!);
      return at;
    }, [channel, text]);
    await b.waitForFunction(([ch, t]) => window.auraLab!.node.messages(ch!).data.some((m) => m.text === t), [channel, text], { timeout: 30_000, polling: 'raf' });
    out.push((await now(b)) - start);
  }
  return out;
}

async function main(): Promise<void> {
  await withBrowserApp('aura-bench-consensus-', async ({ browser, base, relay }) => {
    const tag = Date.now();
    const pages = await Promise.all(['a', 'b', 'c'].map((n) => tab(browser, base, relay, `bench-${n}-${tag}`)));
    const [a, b, c] = pages as [Page, Page, Page];
    const channel = await a.evaluate(async () => {
      await window.auraLab!.node.createIdentity('Bench');
      return window.auraLab!.node.createChannel('bench');
    });
    const enrollments = [await enroll(a, b), await enroll(a, c)];
    report('consensus.enroll.browser', median(enrollments), 'ms');
    await b.waitForFunction((ch) => window.auraLab!.node.channels().data.some((x) => x.id === ch), channel, { timeout: 60_000 });
    const oneway = oneWay(a, b, channel);
    report('consensus.oneway.baseline.p50', median(await oneway), 'ms');

    report('consensus.dkg.2of3.browser', await twoOfThree(pages), 'ms');
    const fast: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      fast.push(await attestedOp(a));
      await twoOfThree(pages);
    }
    report('consensus.fastpath.p50', median(fast), 'ms');
    report('consensus.fastpath.p95', percentile(fast, 95), 'ms');

    const fallback: number[] = [];
    for (let i = 0; i < FALLBACKS; i++) {
      await c.context().setOffline(true);
      fallback.push(await attestedOp(a));
      await c.context().setOffline(false);
      await threshold(c, 1);
      await twoOfThree(pages);
    }
    report('consensus.oneoffline.p50', median(fallback), 'ms');
    await frostInChromium(browser, base);
    console.error(`Chromium ${browser.version()}; enrollments ${enrollments.map(Math.round).join(', ')} ms; fast ${fast.map(Math.round).join(', ')} ms; one witness offline ${fallback.map(Math.round).join(', ')} ms`);
  }, ['bench/consensus/frost-page.html']);
}

/** The FROST step costs on a Chromium page's main thread, beside the Node figures of `bench:consensus`. */
async function frostInChromium(browser: Browser, base: string): Promise<void> {
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'log' && msg.text().startsWith('{"bench"')) console.log(msg.text());
  });
  await page.goto(`${base}/bench/consensus/frost-page.html?rounds=${process.env.BENCH_ROUNDS ?? 9}`);
  await page.waitForFunction(() => document.body.dataset.state !== 'running', undefined, { timeout: 0, polling: 250 });
  if ((await page.evaluate(() => document.body.dataset.state)) !== 'done') throw new Error('the FROST page failed');
  await page.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
