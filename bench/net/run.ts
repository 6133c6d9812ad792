import '../../relay/polyfill.ts';
import type { Browser, Page } from '@playwright/test';
import { labChannelPair, openLabTab, withBrowserApp } from '../browser-app.ts';
import type {} from '../../src/node/lab.ts';
import { median, percentile, report } from '../report.ts';

/**
 * `npm run bench:net`: two tabs (two devices) in headless Chromium, connected through a local relay,
 * measured twice in the same run — directly over WebRTC, then over the relayed circuit (lab `?path=relayed`).
 * Latency is send (node.sendMessage called in tab A) → message rendered in tab B's DOM, one message at a
 * time; throughput is a burst sent back to back until B has rendered all of it. Tabs share one clock
 * (performance.timeOrigin + now), so cross-tab times are comparable.
 */
const LATENCY_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const BURST = Number(process.env.BENCH_BURST ?? 300);


/** Records, in tab B, when each message text first appears in the DOM. */
const WATCH_ARRIVALS = `
  window.__arrivals = new Map();
  const seen = (root) => {
    for (const el of root.querySelectorAll ? root.querySelectorAll('[data-testid="message-text"]') : []) {
      const t = el.textContent;
      if (!window.__arrivals.has(t)) window.__arrivals.set(t, performance.timeOrigin + performance.now());
    }
  };
  new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) { seen(n.parentElement ?? n); } }).observe(document.body, { childList: true, subtree: true });
`;

const openDevice = (browser: Browser, base: string, profile: string, relay: string, path: string): Promise<Page> => openLabTab(browser, base, profile, relay, `&path=${path}`);

async function measure(browser: Browser, base: string, relay: string, path: 'direct' | 'relayed'): Promise<void> {
  const tag = `${path}-${Date.now()}`;
  const a = await openDevice(browser, base, `bench-a-${tag}`, relay, path);
  const b = await openDevice(browser, base, `bench-b-${tag}`, relay, path);
  const channel = await labChannelPair(a, b, ['Bench A', 'Bench B'], 'bench');
  const want = path === 'direct' ? 'webrtc' : 'relayed';
  await a.waitForFunction((t) => window.auraLab!.node.network().peers.some((p) => p.transport === t), want, { timeout: 60_000 });
  await a.waitForFunction((ch) => (window.auraLab!.node.statusDetails(ch)?.expected.length ?? 0) === 1, channel, { timeout: 60_000 });
  await b.getByTestId('channel-item').first().waitFor({ timeout: 60_000 });
  await b.getByTestId('channel-item').first().click();
  await b.evaluate(WATCH_ARRIVALS);

  const send = (text: string) => a.evaluate(async ([ch, t]) => {
    const at = performance.timeOrigin + performance.now();
    await window.auraLab!.node.sendMessage(ch!, t!);
    return at;
  }, [channel, text]);
  const arrived = (text: string) => b.waitForFunction((t) => (window as unknown as { __arrivals: Map<string, number> }).__arrivals.get(t), text, { timeout: 30_000, polling: 'raf' }).then((h) => h.jsonValue() as Promise<number>);

  for (let i = 0; i < 10; i++) {
    const t = `warm-${i}`;
    await send(t);
    await arrived(t);
  }
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_MESSAGES; i++) {
    const t = `lat-${i}`;
    const sentAt = await send(t);
    latencies.push((await arrived(t)) - sentAt);
  }
  report(`net.latency.p50.${path}`, median(latencies), 'ms');
  report(`net.latency.p95.${path}`, percentile(latencies, 95), 'ms');

  const start = await a.evaluate(async ([ch, n]) => {
    const at = performance.timeOrigin + performance.now();
    for (let i = 0; i < Number(n); i++) await window.auraLab!.node.sendMessage(ch!, `burst-${i}`);
    return at;
  }, [channel, String(BURST)]);
  const end = await arrived(`burst-${BURST - 1}`);
  report(`net.throughput.${path}`, (BURST / (end - start)) * 1000, 'msgs/s');
  const transport = await a.evaluate(() => window.auraLab!.node.network().peers.map((p) => p.transport).join(','));
  console.error(`${path}: A's peer connection(s): ${transport}`);
  await a.context().close();
  await b.context().close();
}

async function main(): Promise<void> {
  await withBrowserApp('aura-bench-net-', async ({ browser, base, relay }) => {
    console.error(`Chromium ${browser.version()} · relay ${relay} · ${LATENCY_MESSAGES} latency messages, burst of ${BURST}`);
    for (const path of ['direct', 'relayed'] as const) await measure(browser, base, relay, path);
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
