import '../relay/polyfill.ts';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startRelay, type RelayHandle } from '../relay/relay.ts';
import { createChannel, createIdentity } from './helpers.ts';

/**
 * Anti-entropy in the browser: a device that was offline converges through reconciliation, not gossip,
 * and the status of the author's messages moves only as evidence arrives.
 */
test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

let relay: RelayHandle;
test.beforeAll(async () => {
  relay = await startRelay({ port: 0 });
});
test.afterAll(async () => {
  await relay?.stop();
});

async function device(browser: Browser, name: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`/?profile=${name}&relay=${encodeURIComponent(relay.address)}`);
  await createIdentity(page, name);
  return { ctx, page };
}

const DELIVERED_OR_BETTER = /^(Delivered|Finalized)$/;
const statusOf = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text }).getByTestId('status-indicator');

/** Sends and waits until the node committed the message, i.e. it is in the list (the composer clears at once). */
async function send(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
  await expect(page.getByTestId('message-text').filter({ hasText: new RegExp(`^${text}$`) })).toHaveCount(1);
}

test('an offline device converges by anti-entropy; statuses move ◐ → ✓ → ✓✓ with the evidence; reloads lose nothing', async ({ browser }) => {
  const a = await device(browser, 'ae-alice');
  const b = await device(browser, 'ae-bob');
  const c = await device(browser, 'ae-carol');
  await createChannel(a.page, 'log');
  await a.page.getByTestId('share-channel').click();
  const code = (await a.page.getByTestId('join-code').inputValue()).trim();
  for (const p of [b.page, c.page]) {
    await p.getByTestId('join-code-input').fill(code);
    await p.getByTestId('join-channel').click();
    await p.getByTestId('channel-item').filter({ hasText: 'log' }).click({ timeout: 60_000 });
  }
  // Everyone is a member and connected before Carol leaves, and Alice knows both of the others as members
  // (until she does, her messages expect acks from whom she knows).
  await expect(a.page.getByTestId('net-status')).toHaveAttribute('data-peers', '2', { timeout: 60_000 });
  await a.page.waitForFunction(
    () => {
      const node = (window as unknown as { auraLab?: { node: { channels(): { data: { id: string }[] }; statusDetails(id: string): { expected: unknown[] } | null } } }).auraLab?.node;
      const channel = node?.channels().data[0]?.id;
      return channel !== undefined && node!.statusDetails(channel)?.expected.length === 2;
    },
    undefined,
    { timeout: 60_000 },
  );

  // Watch the status of Alice's first message over time, in the page.
  await c.ctx.setOffline(true);
  await expect(c.page.getByTestId('net-status')).toHaveAttribute('data-relay', 'disconnected', { timeout: 30_000 });
  await send(a.page, 'a-0');
  await a.page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    const read = () => {
      const s = document.querySelector('[data-testid="message"] [data-testid="status-indicator"]')?.getAttribute('data-status');
      if (s && seen[seen.length - 1] !== s) seen.push(s);
    };
    read();
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  for (let i = 1; i < 25; i++) await send(a.page, `a-${i}`);
  for (let i = 0; i < 25; i++) await send(b.page, `b-${i}`);
  await expect(b.page.getByTestId('message')).toHaveCount(50, { timeout: 60_000 });
  await expect(a.page.getByTestId('message')).toHaveCount(50, { timeout: 60_000 });
  // Bob has acked, Carol cannot have: Alice's message shows that progress (1 of 2), neither Sending nor Sent.
  await expect(statusOf(a.page, 'a-0')).toHaveAttribute('data-status', 'Syncing', { timeout: 30_000 });
  await expect(statusOf(a.page, 'a-0')).toHaveAttribute('data-progress', '1/2');
  await expect(statusOf(a.page, 'a-0').getByTestId('status-label')).toHaveText('1 of 2');
  await expect(statusOf(a.page, 'a-0')).toHaveAccessibleName('Status: Syncing, reached 1 of 2 members');
  expect(await c.page.getByTestId('message').count()).toBe(0);

  // Carol returns; she reloads mid-sync, and still converges.
  await c.ctx.setOffline(false);
  await expect.poll(async () => c.page.getByTestId('message').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await c.page.reload();
  await c.page.getByTestId('channel-item').filter({ hasText: 'log' }).click({ timeout: 60_000 });
  await expect(c.page.getByTestId('message')).toHaveCount(50, { timeout: 90_000 });

  // Evidence arrives: Carol's reconciliation and acks. Alice's message ends Delivered, never going back — or
  // Finalized, if the three witnesses' checkpoint covered it first (a slow machine gives them the time).
  await expect(statusOf(a.page, 'a-0')).toHaveAttribute('data-status', DELIVERED_OR_BETTER, { timeout: 90_000 });
  const seq = await a.page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
  const rank = { Sending: 0, Syncing: 1, Sent: 2, Delivered: 3, Finalized: 4 } as Record<string, number>;
  for (let i = 1; i < seq.length; i++) expect(rank[seq[i]!]!).toBeGreaterThanOrEqual(rank[seq[i - 1]!]!);
  // Watching starts once the send returned: Bob may have acked by then (Syncing), Carol cannot have.
  expect(['Sending', 'Syncing']).toContain(seq[0]);
  expect(seq[seq.length - 1]).toMatch(DELIVERED_OR_BETTER);

  // Ack GC has dropped the tracking of Alice's fully acked messages, keeping a summary in the same write.
  const summaries = () =>
    a.page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('aura-ae-alice');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction('ackSummaries', 'readonly').objectStore('ackSummaries').count();
            count.onsuccess = () => {
              open.result.close();
              resolve(count.result);
            };
          };
        }),
    );
  await expect.poll(summaries, { timeout: 30_000 }).toBeGreaterThan(0);

  // A reload of Alice keeps every message and its evidence.
  await a.page.reload();
  await a.page.getByTestId('channel-item').filter({ hasText: 'log' }).click();
  await expect(a.page.getByTestId('message')).toHaveCount(50);
  await expect(statusOf(a.page, 'a-0')).toHaveAttribute('data-status', DELIVERED_OR_BETTER, { timeout: 30_000 });
  expect(await summaries()).toBeGreaterThan(0);
});
