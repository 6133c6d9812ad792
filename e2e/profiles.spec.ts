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
