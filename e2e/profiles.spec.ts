import { expect, test } from '@playwright/test';
import { createIdentity, deviceId } from './helpers.ts';

test('a second tab on the same profile shows the lock notice and can take over', async ({ context }) => {
  const first = await context.newPage();
  await first.goto('/?profile=e2e-lock');
  await createIdentity(first, 'Locky');

  const second = await context.newPage();
  await second.goto('/?profile=e2e-lock');
  await expect(second.getByTestId('lock-notice')).toBeVisible();

  await second.getByTestId('take-over').click();
  await expect(second.getByTestId('new-channel-input')).toBeVisible();
  await expect(first.getByTestId('taken-over-notice')).toBeVisible();
});

test('"New device tab" opens a fresh profile with a different DeviceId', async ({ context, page }) => {
  await page.goto('/?profile=e2e-devices');
  await createIdentity(page, 'Original');
  const original = await deviceId(page);

  const [tab] = await Promise.all([context.waitForEvent('page'), page.getByTestId('new-device-tab').click()]);
  await tab.waitForLoadState();
  expect(new URL(tab.url()).searchParams.get('profile')).not.toBe('e2e-devices');
  await createIdentity(tab, 'Second device');
  const other = await deviceId(tab);
  expect(other).toMatch(/^12D3KooW/);
  expect(other).not.toBe(original);
});

test('the device panel shows the account from its commitment tree: threshold, epoch, commitment, this device marked', async ({ page }) => {
  await page.goto('/?profile=e2e-account');
  await createIdentity(page, 'Accounted');
  const id = await deviceId(page);
  await page.getByTestId('open-device-panel').click();
  const account = page.getByTestId('account-section');
  await expect(account.getByTestId('account-threshold')).toHaveText('1 of 1 device');
  await expect(account.getByTestId('account-commitment')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(account.getByTestId('account-device')).toHaveCount(1);
  await expect(account.getByTestId('account-device')).toHaveAttribute('data-this-device', 'true');
  await expect(account.getByTestId('account-device')).toContainText(id);
});
