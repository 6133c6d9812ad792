import type { Page } from '@playwright/test';
import { openLabTab, withBrowserApp } from '../browser-app.ts';
import { median, report } from '../report.ts';

/**
 * Three people as three Chromium tabs over a local relay (direct WebRTC): from the last approval of a proposal
 * to applied and to ◆ on the proposer's tab, beside a message's send → arrival between the same tabs in the same
 * run. Contacts and the group are made through the lab handle. Run: `npm run bench:groups:browser`.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function until(page: Page, fn: string, arg: unknown, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(new Function('arg', `const n = window.auraLab.node; return (${fn})(n, arg);`) as (arg: unknown) => boolean, arg, { timeout: timeoutMs, polling: 5 });
}
const id = (p: Page) => p.evaluate(() => window.auraLab!.node.identity()!.authorityId);

async function befriend(a: Page, b: Page): Promise<void> {
  const { id: cid, code } = await a.evaluate(() => window.auraLab!.node.contacts.invite());
  await b.evaluate((c) => void window.auraLab!.node.contacts.acceptCode(c), code!);
  await until(b, '(n, i) => n.contacts.ceremonies().some((c) => c.id === i && c.presented)', cid);
  await b.evaluate((i) => window.auraLab!.node.contacts.accept(i), cid);
  const [ia, ib] = [await id(a), await id(b)];
  await until(a, '(n, w) => n.contacts.contacts().some((c) => c.authority === w)', ib);
  await until(b, '(n, w) => n.contacts.contacts().some((c) => c.authority === w)', ia);
}

async function run(browser: Parameters<Parameters<typeof withBrowserApp>[1]>[0]['browser'], base: string, relay: string, r: number) {
  const [alice, bob, carol] = await Promise.all(['a', 'b', 'c'].map((n) => openLabTab(browser, base, `bench-groups-${n}${r}`, relay)));
  for (const [p, name] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol']] as const) await p!.evaluate((nm) => window.auraLab!.node.createIdentity(nm), name);
  await befriend(alice!, bob!);
  await befriend(alice!, carol!);
  const [ib, ic] = [await id(bob!), await id(carol!)];
  const group = await alice!.evaluate(([b, c]) => window.auraLab!.node.groups.createGroup('bench', [b!, c!]), [ib, ic]);
  for (const p of [bob!, carol!]) {
    await until(p, '(n, g) => n.groups.invitations().some((i) => i.context === g)', group);
    await p.evaluate((g) => window.auraLab!.node.groups.accept(g), group);
  }
  await until(alice!, '(n) => n.groups.groups()[0]?.ceremony.state.type === "Committed"', null);
  const ch = await alice!.evaluate(() => window.auraLab!.node.groups.groups()[0]!.channels[0]!);
  await alice!.evaluate((c) => window.auraLab!.node.sendMessage(c, 'warm-up'), ch);
  await until(alice!, '(n, c) => n.messages(c).data.every((m) => m.indicator === "Finalized")', ch, 120_000);
  let t = Date.now();
  await alice!.evaluate((c) => window.auraLab!.node.sendMessage(c, 'baseline'), ch);
  await until(bob!, '(n, c) => n.messages(c).data.some((m) => m.text === "baseline")', ch);
  const message = Date.now() - t;
  const pid = await alice!.evaluate(([g, c]) => window.auraLab!.node.proposals.propose(g!, 'set-role', [c!, 'admin']), [group, ic]);
  await until(bob!, '(n, p) => n.proposals.proposals().some((x) => x.id === p && x.awaitingMe)', pid);
  t = Date.now();
  await bob!.evaluate((p) => window.auraLab!.node.proposals.vote(p, true), pid);
  await until(alice!, '(n, p) => n.proposals.proposals().find((x) => x.id === p)?.applied != null', pid);
  const applied = Date.now() - t;
  await until(alice!, '(n, p) => n.proposals.proposals().find((x) => x.id === p)?.applied?.agreement?.level === "Finalized"', pid);
  const finalized = Date.now() - t;
  for (const p of [alice!, bob!, carol!]) await p.context().close();
  return { message, applied, finalized };
}

await withBrowserApp('aura-bench-groups-', async ({ browser, base, relay }) => {
  const out = [];
  for (let r = 0; r < RUNS; r++) out.push(await run(browser, base, relay, r));
  report('groups.browser.baseline.message-send-to-arrival', median(out.map((o) => o.message)), 'ms');
  report('groups.browser.proposal.last-approval-to-applied', median(out.map((o) => o.applied)), 'ms');
  report('groups.browser.proposal.last-approval-to-finalized', median(out.map((o) => o.finalized)), 'ms');
});
process.exit(0);
