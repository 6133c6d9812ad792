import { expect, test } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createIdentity } from './helpers.ts';

/** Issue 15 §2: "New device tab" keeps the tab's options, and an unreachable relay is named. */
const tab = relayTabs();

test('"New device tab" keeps ?relay=: the new tab reaches the same relay and meets the first tab', async ({ browser }) => {
  const first = await tab(browser, 'e2e-ndt-first');
  await createIdentity(first, 'First');
  const relay = new URL(first.url()).searchParams.get('relay');
  expect(relay).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws$/);

  const [second] = await Promise.all([first.context().waitForEvent('page'), first.getByTestId('new-device-tab').click()]);
  await second.waitForLoadState();
  const url = new URL(second.url());
  expect(url.searchParams.get('relay')).toBe(relay);
  expect(url.searchParams.get('profile')).not.toBe('e2e-ndt-first');
  await createIdentity(second, 'Second');
  await expect(second.getByTestId('net-status')).toHaveAttribute('data-relay', 'connected', { timeout: 30_000 });
  // Both tabs dial that relay and find each other there.
  await expect(first.getByTestId('net-status')).not.toHaveAttribute('data-peers', '0', { timeout: 30_000 });
  await expect(second.getByTestId('net-status')).not.toHaveAttribute('data-peers', '0', { timeout: 30_000 });
});

test('a relay that does not answer is named in the header and the network panel', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  // Port 9 (discard) on loopback: nothing listens, the dial is refused.
  const dead = '/ip4/127.0.0.1/tcp/9/ws';
  await page.goto(`/?profile=e2e-ndt-dead&relay=${encodeURIComponent(dead)}`);
  await createIdentity(page, 'Lonely');
  const status = page.getByTestId('net-status');
  await expect(status).toHaveAttribute('data-relay', 'disconnected', { timeout: 30_000 });
  await expect(status).toContainText(`Relay unreachable at ${dead}`);
  await status.click();
  await expect(page.getByTestId('net-relay')).toContainText(`Relay unreachable at ${dead}`);
});
