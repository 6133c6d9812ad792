import type { Browser, BrowserContext, Page } from '@playwright/test';
import type {} from '../../src/node/lab.ts';
import { withBrowserApp } from '../browser-app.ts';
import { factsOf, rawBytes, rawVerifyPut } from './raw-browser.ts';

/**
 * `npm run bench:catchup:browser` (issue 13): a new member catching up on a channel of N messages over loopback
 * WebRTC between Chromium tabs of the built app (one browser context, so one IndexedDB, per device). Alice's
 * channel is seeded through her store (`bench/store/cold-seed.html`, ~20-character texts); bob joins by the code, measured from `joinChannel` until his
 * channel counts N messages, then (b) alice and bob — now the channel's two witnesses — take a snapshot, and a
 * third member, carol, joins: snapshot + tail. Beside each, in the same run and the same two tabs: the fact
 * bytes over a raw RTCDataChannel, WebCrypto verification of N signatures and one IndexedDB put of N records of
 * the same size, and the ratio catch-up / sum(raw). BENCH_CATCHUP_N: a comma list of N (default 10000).
 */
const NS = (process.env.BENCH_CATCHUP_N ?? '10000').split(',').map(Number);
const LONG = 30 * 60_000;
/** BENCH_SNAPSHOT_RELOAD=1: alice's and bob's tabs are reloaded after (a), before the snapshot. How long the witnesses may take to store a snapshot before (b) is reported as not done: BENCH_SNAPSHOT_WAIT_MS. */
const SNAP_WAIT_MS = Number(process.env.BENCH_SNAPSHOT_WAIT_MS ?? 10 * 60_000);

type Ctx = { browser: Browser; base: string; relay: string };

function print(o: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'catchup.browser', ...o }));
}

/** A tab of the built app on `profile` in `context`, pointed at the relay, once its lab handle is up. */
async function app(context: BrowserContext, { base, relay }: Ctx, profile: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${profile}] ${e.message}`));
  await page.goto(`${base}/?profile=${profile}&relay=${encodeURIComponent(relay)}`);
  await page.waitForFunction(() => window.auraLab !== undefined, undefined, { timeout: 60_000 });
  return page;
}

const count = (p: Page, context: string) => p.evaluate((c) => window.auraLab!.node.channels().data.find((x) => x.context === c)?.messageCount ?? 0, context);

/** A new device with identity `name` joins by `code`: ms from `joinChannel` until its channel counts `n` messages. */
async function join(p: Page, name: string, code: string, n: number): Promise<number> {
  await p.evaluate((nm) => window.auraLab!.node.createIdentity(nm), name);
  return p.evaluate(
    async ([c, want]) => {
      const node = window.auraLab!.node;
      const t0 = performance.now();
      const ctx = await node.joinChannel(c!);
      for (;;) {
        if ((node.channels().data.find((x) => x.context === ctx)?.messageCount ?? 0) >= Number(want)) return performance.now() - t0;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    [code, String(n)] as const,
    // no timeout: a stall is reported by the watcher below
  );
}

/** Prints the joiner's progress every 30 s while `work` runs (where a long catch-up stands or stalls). */
async function watched<T>(p: Page, context: string, label: string, work: Promise<T>): Promise<T> {
  const t0 = Date.now();
  const timer = setInterval(() => void count(p, context).then((c) => console.error(`  ${label}: ${c} messages after ${Math.round((Date.now() - t0) / 1000)} s`), () => {}), 30_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** How `p` is linked to its peers: transports (a direct link is `webrtc`: /webrtc in the address, no relay limits). */
const links = (p: Page) => p.evaluate(() => window.auraLab!.node.network().peers.map((x) => `${x.transport} ${x.address.replace(/\/p2p\/[^/]+/g, '/p2p/…')}`));
const syncs = (p: Page) => p.evaluate(() => window.auraLab!.node.syncMetrics()?.recent.length ?? null);

/** The raw costs of `facts` (the channel's facts held on `from` as `__facts`): bytes `from` → `to`, verify and put in `to`. */
async function raws(from: Page, to: Page, facts: { count: number; bytes: number }) {
  const bytesMs = await rawBytes(from, to, facts.bytes);
  const { verify, put } = await rawVerifyPut(to, facts.count, Math.round(facts.bytes / facts.count));
  return { facts: facts.count, factBytes: facts.bytes, rawBytesMs: Math.round(bytesMs), rawVerifyMs: Math.round(verify), rawPutMs: Math.round(put), rawSumMs: Math.round(bytesMs + verify + put) };
}

/** A page's snapshot entry for the context and its counted snapshot, witness and consensus drops. */
const snapshotState = (p: Page, context: string) =>
  p.evaluate((ctx) => {
    const node = window.auraLab!.node;
    const e = node.snapshots.list().find((x) => x.context === ctx);
    const drops = Object.entries(node.network().dropped).filter(([k]) => /snapshot|witness|consensus|frost/i.test(k));
    return { latest: e?.latest ?? null, pending: e?.pending ?? null, messages: e?.messages, facts: e?.facts, drops: Object.fromEntries(drops) };
  }, context);

/** Waits until every page stores the context's latest snapshot (false after SNAP_WAIT_MS), printing the state every 30 s. */
async function snapshotStored(pages: readonly Page[], context: string): Promise<boolean> {
  const t0 = Date.now();
  for (let next = t0 + 30_000; Date.now() - t0 < SNAP_WAIT_MS; await new Promise((r) => setTimeout(r, 1_000))) {
    const states = await Promise.all(pages.map((p) => snapshotState(p, context)));
    if (states.every((x) => x.latest?.stored != null)) return true;
    if (Date.now() > next) (console.error(`  snapshot after ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(states)}`), (next += 30_000));
  }
  return false;
}

async function round(c: Ctx, n: number): Promise<void> {
  const tag = `${n}-${Date.now()}`;
  const [ctxA, ctxB, ctxC] = [await c.browser.newContext(), await c.browser.newContext(), await c.browser.newContext()];
  let t = Date.now();
  const seed = await ctxA.newPage();
  seed.on('console', (m) => m.type() === 'error' && console.error(`[seed] ${m.text()}`));
  await seed.goto(`${c.base}/bench/store/cold-seed.html?profile=catchup-a-${tag}&facts=${n}&now=1`);
  await seed.waitForFunction(() => document.body.dataset.state !== 'running', undefined, { timeout: 0, polling: 500 });
  if ((await seed.evaluate(() => document.body.dataset.state)) !== 'done') throw new Error('seeding failed');
  await seed.close();
  const a = await app(ctxA, c, `catchup-a-${tag}`);
  await a.waitForFunction((want) => (window.auraLab!.node.channels().data[0]?.messageCount ?? 0) >= want - 10, n, { timeout: 0, polling: 500 });
  // The seed counts every fact of the profile (identity, channel, membership): the channel holds a few less messages than n.
  const { channel, context, code, messages } = await a.evaluate(() => {
    const ch = window.auraLab!.node.channels().data[0]!;
    return { channel: ch.id as string, context: ch.context as string, code: window.auraLab!.node.joinCode(ch.id), messages: ch.messageCount };
  });
  console.error(`n=${n}: alice seeded and loaded in ${Math.round((Date.now() - t) / 1000)} s`);

  // (a) Every fact crosses.
  const b = await app(ctxB, c, `catchup-b-${tag}`);
  const plainMs = await watched(b, context, 'bob', join(b, 'Bob', code, messages));
  const bobLinks = await links(b);
  const facts = await factsOf(a, channel); // every fact of the channel, before any snapshot prunes them
  const rawA = await raws(a, b, facts);
  print({ n, messages, variant: 'plain', catchupMs: Math.round(plainMs), msgPerS: Math.round((messages * 1000) / plainMs), ...rawA, ratio: Number((plainMs / rawA.rawSumMs).toFixed(2)), syncSessionsB: await syncs(b), joinerLinks: bobLinks });

  // (b) Alice and bob are the witnesses: a snapshot, stored and pruned on both, then carol joins.
  t = Date.now();
  const snap = (p: Page) => p.evaluate((ctx) => window.auraLab!.node.snapshots.list().find((x) => x.context === ctx), context);
  if (process.env.BENCH_SNAPSHOT_RELOAD) {
    // Fresh nodes for the witnesses (a consensus wedged during a long catch-up starts over): both tabs reloaded.
    for (const p of [a, b]) {
      await p.reload();
      await p.waitForFunction((want) => (window.auraLab?.node.channels().data[0]?.messageCount ?? 0) >= want, messages, { timeout: LONG, polling: 500 });
    }
    console.error(`n=${n}: alice's and bob's tabs reloaded before the snapshot`);
  }
  await a.waitForFunction((ctx) => window.auraLab!.node.snapshots.list().find((x) => x.context === ctx)?.canSnapshot === true, context, { timeout: LONG, polling: 500 });
  await new Promise((r) => setTimeout(r, 2_500)); // the writer fence: the cut is a fact at least 2 s old
  const before = await snap(a);
  if (before?.latest == null && before?.pending == null) await a.evaluate((ctx) => window.auraLab!.node.snapshots.takeSnapshot(ctx as never), context);
  else console.error(`  a snapshot was already under way (${JSON.stringify(before?.pending ?? before?.latest)}): the first witness proposes at 10 000 messages`);
  if (!(await snapshotStored([a, b], context))) {
    print({ n, messages, variant: 'snapshot+tail', error: `no snapshot stored on both witnesses within ${SNAP_WAIT_MS} ms`, witnesses: await Promise.all([a, b].map((p) => snapshotState(p, context))) });
    for (const x of [ctxA, ctxB, ctxC]) await x.close();
    return;
  }
  const taken = await snap(a);
  console.error(`n=${n}: snapshot stored and pruned on both witnesses ${Math.round((Date.now() - t) / 1000)} s after canSnapshot was awaited: ${JSON.stringify(taken?.latest)}`);

  const carol = await app(ctxC, c, `catchup-c-${tag}`);
  const snapMs = await watched(carol, context, 'carol', join(carol, 'Carol', code, messages));
  const carolLinks = await links(carol);
  const held = await snap(carol);
  const rawC = await raws(a, carol, facts); // the same facts as in (a), measured again between alice and carol
  print({
    n,
    messages,
    variant: 'snapshot+tail',
    catchupMs: Math.round(snapMs),
    msgPerS: Math.round((messages * 1000) / snapMs),
    ...rawC,
    ratio: Number((snapMs / rawC.rawSumMs).toFixed(2)),
    blobBytes: taken?.latest?.stored?.bytes ?? null,
    covered: taken?.latest?.covered ?? null,
    joinerStoredSnapshot: held?.latest?.stored ?? null,
    joinerFacts: held?.facts ?? null,
    syncSessionsC: await syncs(carol),
    joinerLinks: carolLinks,
  });
  for (const x of [ctxA, ctxB, ctxC]) await x.close();
}

await withBrowserApp(
  'aura-bench-catchup-',
  async ({ browser, base, relay }) => {
    console.error(`Chromium ${browser.version()}`);
    for (const n of NS) await round({ browser, base, relay }, n);
  },
  ['bench/store/cold-seed.html'],
);
process.exit(0);
