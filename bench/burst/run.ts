import '../../relay/polyfill.ts';
import type { Browser, Page } from '@playwright/test';
import { labChannelPair, openLabTab, withBrowserApp } from '../browser-app.ts';
import type {} from '../../src/node/lab.ts';
import { median, report } from '../report.ts';
import { rawChannelBurst } from './raw-channel.ts';

/**
 * `npm run bench:burst` (issue 15 §7): a burst of BURST sends from tab A (each `node.sendMessage` called at
 * once, as a queue of typed messages would), with both tabs showing the channel, until tab B has rendered the
 * last one — beside the same number of equally long strings over a raw RTCDataChannel between the same two
 * tabs, in the same run. RUNS rounds; medians and the ratio are printed as JSON lines.
 */
const BURST = Number(process.env.BENCH_BURST ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TEXT_LEN = 40;

/** Two people in one channel, directly connected, both looking at it. */
async function pair(browser: Browser, base: string, relay: string, tag: string): Promise<{ a: Page; b: Page; channel: string }> {
  const a = await openLabTab(browser, base, `burst-a-${tag}`, relay);
  const b = await openLabTab(browser, base, `burst-b-${tag}`, relay);
  const channel = await labChannelPair(a, b, ['Burst A', 'Burst B'], 'burst');
  await a.waitForFunction(() => window.auraLab!.node.network().peers.some((p) => p.transport === 'webrtc'), undefined, { timeout: 60_000 });
  await a.waitForFunction((ch) => (window.auraLab!.node.statusDetails(ch)?.expected.length ?? 0) === 1, channel, { timeout: 60_000 });
  for (const p of [a, b]) {
    await p.getByTestId('channel-item').first().waitFor({ timeout: 60_000 });
    if (!process.env.BENCH_NO_UI) await p.getByTestId('channel-item').first().click();
  }
  return { a, b, channel };
}

/** Milliseconds from the first send in A until B's DOM shows the last message, and until A's sends all resolved. */
async function burst(a: Page, b: Page, channel: string, round: number): Promise<{ e2e: number; local: number }> {
  const last = `r${round}-${BURST - 1}`.padEnd(TEXT_LEN, '.');
  const noUi = !!process.env.BENCH_NO_UI;
  const arrived = (noUi
    ? b.waitForFunction(([t, ch]) => window.auraLab!.node.messages(ch!, 1).data.some((m) => m.text === t), [last, channel], { timeout: 300_000, polling: 100 })
    : b.waitForFunction((t) => Array.from(document.querySelectorAll('[data-testid="message-text"]')).some((el) => el.textContent === t), last, { timeout: 300_000, polling: 100 })
  ).then(() => Date.now());
  const { start, local } = await a.evaluate(
    async ([ch, n, r, len]) => {
      const t0 = Date.now();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < Number(n); i++) sends.push(window.auraLab!.node.sendMessage(ch!, `r${r}-${i}`.padEnd(Number(len), '.')));
      await Promise.all(sends);
      return { start: t0, local: Date.now() - t0 };
    },
    [channel, String(BURST), String(round), String(TEXT_LEN)],
  );
  return { e2e: (await arrived) - start, local };
}

/** BENCH_PROFILE=1: one burst under the CPU profiler of each tab; prints the top self-time functions. */
async function profiled(a: Page, b: Page, channel: string): Promise<void> {
  const sessions = await Promise.all([a, b].map(async (p) => {
    const s = await p.context().newCDPSession(p);
    await s.send('Profiler.enable');
    await s.send('Profiler.start');
    return s;
  }));
  await burst(a, b, channel, 99);
  for (const [i, s] of sessions.entries()) {
    const { profile } = await s.send('Profiler.stop');
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    profile.samples?.forEach((id, k) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas?.[k] ?? 0)));
    for (const n of profile.nodes) {
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
    }
    console.error(`--- tab ${i === 0 ? 'A (sender)' : 'B (receiver)'}: top self time (ms)`);
    for (const [k, v] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.error(`${v.toFixed(0).padStart(7)}  ${k}`);
    // Inclusive: time with the function anywhere on the stack (each function once per sample).
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const total = new Map<string, number>();
    for (const [id, t] of dt) {
      const names = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur)!.callFrame;
        if (f.functionName) names.add(`${f.functionName} ${f.url.split('/').pop()}:${f.lineNumber}`);
      }
      for (const k of names) total.set(k, (total.get(k) ?? 0) + t / 1000);
    }
    console.error(`--- inclusive (ms)`);
    for (const [k, v] of [...total].sort((x, y) => y[1] - x[1]).slice(0, 40)) console.error(`${v.toFixed(0).padStart(7)}  ${k}`);
  }
}

async function main(): Promise<void> {
  await withBrowserApp('aura-bench-burst-', async ({ browser, base, relay }) => {
    console.error(`Chromium ${browser.version()} · burst of ${BURST} × ${RUNS} runs`);
    const { a, b, channel } = await pair(browser, base, relay, String(Date.now()));
    const app: number[] = [];
    const raw: number[] = [];
    const local: number[] = [];
    if (process.env.BENCH_PROFILE) await profiled(a, b, channel);
    for (let r = 0; r < RUNS; r++) {
      raw.push(await rawChannelBurst(a, b, BURST, TEXT_LEN));
      const m = await burst(a, b, channel, r);
      app.push(m.e2e);
      local.push(m.local);
      console.error(`run ${r}: raw ${raw[r]} ms, app ${m.e2e} ms end to end (sends resolved after ${m.local} ms)`);
    }
    const rate = (ms: number) => (BURST / ms) * 1000;
    report('burst.app.end_to_end', rate(median(app)), 'msgs/s');
    report('burst.app.sends_resolved', rate(median(local)), 'msgs/s');
    report('burst.raw_datachannel', rate(median(raw)), 'msgs/s');
    report('burst.app_over_raw', median(raw) / median(app), 'ratio');
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
