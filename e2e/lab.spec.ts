import '../relay/polyfill.ts';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { startRelay, type RelayHandle } from '../relay/relay.ts';
import { createChannel, createIdentity, sendMessage, shareChannel } from './helpers.ts';
import { authorityOf, deviceIdOf } from './lab.ts';

/**
 * Three tabs of one browser (one browser context, so one BroadcastChannel origin), three profiles and three
 * identities in one channel, over a real relay. Everything the test changes it changes from the lab's UI.
 */
test.setTimeout(300_000);

let relay: RelayHandle;
test.beforeAll(async () => {
  relay = await startRelay({ port: 0 });
});
test.afterAll(async () => {
  await relay?.stop();
});

async function tabsOf(browser: Browser, names: readonly string[]): Promise<Page[]> {
  const context = await browser.newContext();
  const pages: Page[] = [];
  for (const n of names) {
    const page = await context.newPage();
    await page.goto(`/?profile=lab-${n.toLowerCase()}&relay=${encodeURIComponent(`/ip4/127.0.0.1/tcp/${relay.port}/ws`)}`);
    await createIdentity(page, n);
    pages.push(page);
  }
  return pages;
}

const openLab = async (page: Page) => {
  await page.getByTestId('open-lab-panel').click();
  await expect(page.getByTestId('lab-panel')).toBeVisible();
};
const closeLab = async (page: Page) => {
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('lab-panel')).toBeHidden();
};
/** A lab checkbox of another tab shows what that tab reports: click, then wait for its report to say so. */
async function toggle(box: Locator, on: boolean): Promise<void> {
  await box.click();
  await expect(box).toBeChecked({ checked: on, timeout: 30_000 });
}
const convergence = (page: Page) => page.getByTestId('lab-convergence');
const tabRow = (page: Page, device: string) => page.getByTestId('lab-tab').and(page.locator(`[data-device="${device}"]`));
/** "Reaches `peer` via …" in the row of tab `self`: the member that forwards between them now. */
const viaRow = (page: Page, self: string, peer: string) => tabRow(page, self).getByTestId('lab-tab-via').and(page.locator(`[data-peer="${peer}"]`));
const linkBetween = (page: Page, x: string, y: string) => page.getByTestId('lab-link').and(page.locator(`[data-from="${x}"][data-to="${y}"], [data-from="${y}"][data-to="${x}"]`));
const messageCell = (page: Page, text: string, device: string) =>
  page.getByTestId('lab-message-row').and(page.locator(`[data-text="${text}"]`)).getByTestId('lab-message-cell').and(page.locator(`[data-device="${device}"]`));

/** An own message's indicator, and which of the expected members acked it, as the author's node says. */
function ownStatus(page: Page, text: string): Promise<{ indicator: string; acked: string[]; expected: string[] } | null> {
  return page.evaluate((t) => {
    type Node = {
      channels(): { data: { id: string }[] };
      messages(c: string): { data: { id: string; text: string; indicator: string }[] };
      statusDetails(id: string): { acks: { peer: string }[]; expected: string[] } | null;
    };
    const node = (window as unknown as { auraLab: { node: Node } }).auraLab.node;
    for (const c of node.channels().data) {
      const m = node.messages(c.id).data.find((x) => x.text === t);
      const d = m && node.statusDetails(m.id);
      if (m && d) return { indicator: m.indicator, acked: d.acks.map((a) => a.peer), expected: [...d.expected] };
    }
    return null;
  }, text);
}

test('the lab shows three tabs converging; partitioned tabs still get every message through the third, their sessions forwarded with receipts; honest statuses; heal everything turns it green', async ({ browser }) => {
  const [a, b, c] = await tabsOf(browser, ['Alice', 'Bob', 'Carol']);
  const [da, db, dc] = [await deviceIdOf(a!), await deviceIdOf(b!), await deviceIdOf(c!)];
  await createChannel(a!, 'lab');
  await shareChannel(a!, b!, 'lab');
  await shareChannel(a!, c!, 'lab');
  await sendMessage(a!, 'alice: before');

  // Every tab's lab lists every tab, with its identity, and the tabs converge.
  await openLab(a!);
  await expect(a!.getByTestId('lab-tab')).toHaveCount(3, { timeout: 30_000 });
  await expect(tabRow(a!, db)).toHaveAttribute('data-name', 'Bob');
  await expect(tabRow(a!, dc)).toHaveAttribute('data-name', 'Carol');
  await expect(convergence(a!)).toHaveAttribute('data-converged', 'true', { timeout: 60_000 });
  await expect(convergence(a!)).toContainText('3 tabs converged since');
  // The message on each tab side by side: the author's status there, received on the others.
  await expect(messageCell(a!, 'alice: before', db)).toHaveAttribute('data-status', 'received');
  await expect(messageCell(a!, 'alice: before', dc)).toHaveAttribute('data-status', 'received');
  await expect(a!.getByTestId('lab-link').first()).toBeVisible({ timeout: 30_000 });
  await expect(a!.getByTestId('lab-session').first()).toBeVisible({ timeout: 30_000 });

  // From alice's lab, alice and bob are cut from each other (each side's box): the graph says so.
  await toggle(tabRow(a!, da).getByTestId('lab-block').and(a!.locator(`[data-peer="${db}"]`)), true);
  await toggle(tabRow(a!, db).getByTestId('lab-block').and(a!.locator(`[data-peer="${da}"]`)), true);
  await expect(linkBetween(a!, da, db)).toHaveAttribute('data-kind', 'blocked', { timeout: 30_000 });
  await expect(b!.getByTestId('net-status')).not.toContainText('Alice', { timeout: 30_000 });
  // Each reaches the other through carol, the member linked to both (her signed link notes say so).
  await expect(viaRow(a!, da, db)).toHaveAttribute('data-via', dc, { timeout: 60_000 });
  await expect(viaRow(a!, db, da)).toHaveAttribute('data-via', dc, { timeout: 60_000 });
  await closeLab(a!);

  // Messages still reach everyone: carol relays the gossip, and forwards alice's and bob's sync sessions.
  await sendMessage(a!, 'alice: cut from bob');
  await sendMessage(b!, 'bob: cut from alice');
  for (const p of [a!, b!, c!]) {
    for (const t of ['alice: cut from bob', 'bob: cut from alice']) await expect(p.getByTestId('message-text').filter({ hasText: t })).toBeVisible({ timeout: 60_000 });
  }
  // Anti-entropy between alice and bob ran through carol: each accepted the other's frames only with a receipt
  // chain rooted in the channel, and keeps one as a `receipt.forward` fact of it (counted in its report).
  await openLab(a!);
  await expect(viaRow(a!, da, db)).toHaveAttribute('data-receipts', /^[1-9]\d*$/, { timeout: 60_000 });
  await expect(viaRow(a!, db, da)).toHaveAttribute('data-receipts', /^[1-9]\d*$/, { timeout: 60_000 });
  await expect(viaRow(a!, da, db)).toHaveAttribute('data-via', dc);
  await closeLab(a!);
  // Honest statuses: Delivered only once every expected member's ack is here (relayed too); the witnesses may
  // finalize it (◆) past that.
  const honest = async (page: Page, text: string) => {
    const s = await ownStatus(page, text);
    if (s === null) return 'none';
    return s.indicator !== 'Delivered' || s.expected.every((e) => s.acked.includes(e)) ? s.indicator : 'Delivered without acks';
  };
  await expect.poll(() => honest(a!, 'alice: cut from bob'), { timeout: 90_000 }).toMatch(/^(Delivered|Finalized)$/);
  expect(new Set((await ownStatus(a!, 'alice: cut from bob'))!.expected)).toEqual(new Set([await authorityOf(b!), await authorityOf(c!)]));
  // The lab shows each tab's view of the message side by side: the author's status, received elsewhere.
  await openLab(b!);
  await expect(messageCell(b!, 'alice: cut from bob', da)).toHaveAttribute('data-status', /^(Delivered|Finalized)$/, { timeout: 30_000 });
  await expect(messageCell(b!, 'alice: cut from bob', db)).toHaveAttribute('data-status', 'received');
  await expect(messageCell(b!, 'bob: cut from alice', db)).not.toHaveAttribute('data-status', 'absent');

  // From bob's lab: alice's side of the cut lifted by hand, then Heal everything lifts bob's. The direct link is
  // back and nobody is reached "via" anyone any more.
  await toggle(tabRow(b!, da).getByTestId('lab-block').and(b!.locator(`[data-peer="${db}"]`)), false);
  await b!.getByTestId('lab-heal-all').click();
  await expect(tabRow(b!, db).getByTestId('lab-block').and(b!.locator(`[data-peer="${da}"]`))).not.toBeChecked({ timeout: 30_000 });
  await expect(linkBetween(b!, da, db)).toHaveAttribute('data-kind', /^(direct|relayed)$/, { timeout: 30_000 });
  await expect(b!.getByTestId('lab-tab-via')).toHaveCount(0, { timeout: 30_000 });

  // Carol offline. A message from alice does not reach carol: not green.
  await toggle(tabRow(b!, dc).getByTestId('lab-offline'), true);
  await expect(tabRow(b!, dc).getByTestId('lab-tab-faults')).toHaveText('offline', { timeout: 30_000 });
  await expect(c!.getByTestId('net-status')).not.toContainText('Relay connected', { timeout: 30_000 });
  await closeLab(b!);
  await sendMessage(a!, 'alice: carol is offline');
  await expect(b!.getByTestId('message-text').filter({ hasText: 'alice: carol is offline' })).toBeVisible({ timeout: 60_000 });
  await openLab(c!);
  await expect(convergence(c!)).toHaveAttribute('data-converged', 'false', { timeout: 30_000 });
  await expect(convergence(c!)).toContainText('Not converged: lab differs');
  expect(await honest(a!, 'alice: carol is offline')).not.toBe('Delivered');
  expect((await ownStatus(a!, 'alice: carol is offline'))!.acked).not.toContain(await authorityOf(c!));
  await expect(c!.getByTestId('message-text').filter({ hasText: 'alice: carol is offline' })).toHaveCount(0);

  // Heal everything, from carol's own lab: every tab heals and the view turns green on every tab.
  await c!.getByTestId('lab-heal-all').click();
  await expect(convergence(c!)).toHaveAttribute('data-converged', 'true', { timeout: 90_000 });
  await expect(convergence(c!)).toContainText('3 tabs converged since');
  await openLab(a!);
  await expect(convergence(a!)).toHaveAttribute('data-converged', 'true', { timeout: 30_000 });
  for (const d of [da, db, dc]) await expect(tabRow(a!, d).getByTestId('lab-tab-faults')).toHaveText('no faults');
  await expect(a!.getByTestId('lab-tab-via')).toHaveCount(0);
  await closeLab(c!);
  await expect(c!.getByTestId('message-text').filter({ hasText: 'alice: carol is offline' })).toBeVisible();
});
