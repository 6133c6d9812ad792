import type { Browser, Page } from '@playwright/test';
import type {} from '../../src/node/lab.ts';
import { startRelay, type RelayHandle } from '../../relay/relay.ts';
import { labChannelPair, openLabTab, withBrowserApp } from '../browser-app.ts';
import { freePort } from '../free-port.ts';

/**
 * `npm run bench:lab:recovery` (issue 14): how fast tabs of the built app recover from faults, over loopback
 * WebRTC and a real relay, driven through `window.auraLab.node.faults`. Per repetition (BENCH_REPS, default 5):
 *  - departure (offline): ms from the lab's offline on one tab until the other tab's peer list drops it;
 *  - departure (tab closed): ms from closing a third tab until the other tab's peer list drops it;
 *  - heal: ms from healing a lab partition until both tabs list each other over direct WebRTC again;
 *  - relay outage: the relay stops, stays down BENCH_OUTAGE_MS (default 20 s: several backoff steps), restarts
 *    on the same port: ms until each tab shows the relay connected and its peer again.
 * Goal for each: ≤ 3 s. Prints one JSON line per measurement and a summary (median, max) per metric.
 */
const REPS = Number(process.env.BENCH_REPS ?? 5);
const OUTAGE_MS = Number(process.env.BENCH_OUTAGE_MS ?? 20_000);
const GIVE_UP_MS = 60_000;
const results = new Map<string, number[]>();

function print(o: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'lab.recovery', ...o }));
}

function record(metric: string, rep: number, ms: number | null, extra: Record<string, unknown> = {}): void {
  if (ms !== null) results.set(metric, [...(results.get(metric) ?? []), ms]);
  print({ metric, rep, ms, ...extra });
}

type Wanted = { kind: 'gone' | 'direct' | 'relay'; peer: string };

/**
 * The wall-clock time (ms) at which `page` first sees `want` of `peer` in its network status (polled every 10 ms
 * in the page), or null after GIVE_UP_MS.
 */
function when(page: Page, want: Wanted): Promise<number | null> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate(
    async ([w, limit]) => {
      const deadline = Date.now() + limit;
      for (;;) {
        const s = window.auraLab!.node.network();
        const p = s.peers.find((x) => x.deviceId === w.peer);
        if (w.kind === 'gone' ? p === undefined : w.kind === 'direct' ? p?.transport === 'webrtc' : s.relay === 'connected' && p !== undefined) return Date.now();
        if (Date.now() > deadline) return null;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    [want, GIVE_UP_MS] as const,
  );
}

const since = (t0: number, t: number | null) => (t === null ? null : t - t0);
const idOf = (p: Page) => p.evaluate(async () => (await window.auraLab!.node.deviceInfo()).deviceId);

async function linked(a: Page, b: Page, ida: string, idb: string): Promise<void> {
  const [x, y] = await Promise.all([when(a, { kind: 'direct', peer: idb }), when(b, { kind: 'direct', peer: ida })]);
  if (x === null || y === null) throw new Error('the two tabs did not link directly');
}

async function rep(browser: Browser, base: string, relayAddr: () => string, relay: { restart(): Promise<void>; stop(): Promise<void> }, r: number): Promise<void> {
  const tag = `${r}-${Date.now()}`;
  const a = await openLabTab(browser, base, `lab-a-${tag}`, relayAddr());
  const b = await openLabTab(browser, base, `lab-b-${tag}`, relayAddr());
  await labChannelPair(a, b, ['Alice', 'Bob'], 'lab');
  const [ida, idb] = [await idOf(a), await idOf(b)];
  await linked(a, b, ida, idb);

  // Departure by the lab's offline.
  let seen = when(b, { kind: 'gone', peer: ida });
  let t0 = Date.now();
  await a.evaluate(() => window.auraLab!.node.faults.set({ offline: true }));
  record('departureOfflineMs', r, since(t0, await seen));
  seen = when(b, { kind: 'direct', peer: ida });
  t0 = Date.now();
  await a.evaluate(() => window.auraLab!.node.faults.heal());
  record('backAfterOfflineMs', r, since(t0, await seen));
  await linked(a, b, ida, idb);

  // Departure by closing a tab.
  const c = await openLabTab(browser, base, `lab-c-${tag}`, relayAddr());
  await c.evaluate(() => window.auraLab!.node.createIdentity('Carol'));
  const idc = await idOf(c);
  await linked(b, c, idb, idc);
  seen = when(b, { kind: 'gone', peer: idc });
  t0 = Date.now();
  await c.context().close();
  record('departureClosedMs', r, since(t0, await seen));

  // A partition heals.
  await a.evaluate((id) => window.auraLab!.node.faults.set({ blocked: [id] }), idb);
  if ((await when(b, { kind: 'gone', peer: ida })) === null) throw new Error('the partition did not cut the link');
  const both = Promise.all([when(a, { kind: 'direct', peer: idb }), when(b, { kind: 'direct', peer: ida })]);
  t0 = Date.now();
  await a.evaluate(() => window.auraLab!.node.faults.heal());
  const [ha, hb] = await both;
  record('healDirectMs', r, ha === null || hb === null ? null : Math.max(ha, hb) - t0, { healingSide: since(t0, ha), otherSide: since(t0, hb) });

  // The relay goes away for several backoff steps and comes back.
  await linked(a, b, ida, idb);
  await relay.stop();
  await Promise.all([a, b].map((p) => p.waitForFunction(() => window.auraLab!.node.network().relay !== 'connected', undefined, { timeout: GIVE_UP_MS })));
  await new Promise((res) => setTimeout(res, OUTAGE_MS));
  const back = Promise.all([when(a, { kind: 'relay', peer: idb }), when(b, { kind: 'relay', peer: ida })]);
  // From before the restart: the relay's own start (a fraction of a second) is counted in.
  t0 = Date.now();
  await relay.restart();
  const [ra, rb] = await back;
  record('relayBackMs', r, ra === null || rb === null ? null : Math.max(ra, rb) - t0, { a: since(t0, ra), b: since(t0, rb), outageMs: OUTAGE_MS });
  await a.context().close();
  await b.context().close();
}

await withBrowserApp('aura-bench-lab-', async ({ browser, base }) => {
  console.error(`Chromium ${browser.version()}`);
  // A relay of our own, restartable on the same port.
  const port = await freePort();
  let relay: RelayHandle = await startRelay({ port });
  const control = {
    restart: async () => void (relay = await startRelay({ port })),
    stop: () => relay.stop(),
  };
  try {
    for (let r = 0; r < REPS; r++) await rep(browser, base, () => relay.address, control, r);
  } finally {
    await relay.stop();
  }
  for (const [metric, ms] of results) {
    const sorted = [...ms].sort((x, y) => x - y);
    print({ metric, summary: true, n: ms.length, medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted[sorted.length - 1], goalMs: 3_000 });
  }
});
process.exit(0);
