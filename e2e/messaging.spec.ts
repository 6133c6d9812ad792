import { expect, test } from '@playwright/test';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';

test('identity, channel and three messages survive a reload, each still ◐ Sending with no peer', async ({ page }) => {
  await page.goto('/?profile=e2e-messaging');
  await createIdentity(page, 'Alice');
  await createChannel(page, 'general');
  const texts = ['first message', 'second message', 'third message'];
  for (const t of texts) await sendMessage(page, t);

  const check = async () => {
    const messages = page.getByTestId('message');
    await expect(messages).toHaveCount(3);
    for (let i = 0; i < 3; i++) {
      await expect(messages.nth(i).getByTestId('message-text')).toHaveText(texts[i]!);
      // No peer has the message: the evidence says Local, so the UI must say Sending.
      await expect(messages.nth(i).getByTestId('status-indicator')).toHaveAttribute('data-status', 'Sending');
      // Alone in the channel: the indicator says so instead of "Sending" forever.
      await expect(messages.nth(i).getByTestId('status-label')).toHaveText('only you here');
    }
  };
  await check();

  await page.reload();
  await expect(page.getByTestId('channel-item').filter({ hasText: 'general' })).toBeVisible();
  await page.getByTestId('channel-item').filter({ hasText: 'general' }).click();
  await check();

  // The details popover reads the same evidence.
  await page.getByTestId('status-indicator').first().click();
  const details = page.getByTestId('status-details');
  await expect(details).toBeVisible();
  await expect(details).toContainText(/Provisional/);
  await expect(details).toContainText(/0 of 0/);
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();
});

test('the app is usable from the keyboard at 360 px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 720 });
  await page.goto('/?profile=e2e-narrow');
  await page.getByTestId('display-name-input').focus();
  await page.keyboard.type('Narrow');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('new-channel-input').or(page.getByRole('button', { name: 'Channels' })).first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
