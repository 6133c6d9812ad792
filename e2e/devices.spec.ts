import { expect, test, type Page } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createChannel, createIdentity, deviceId, sendMessage } from './helpers.ts';

/**
 * One person, two devices: a laptop tab with an identity enrolls a fresh phone tab by rendezvous code. Both
 * run in separate browser contexts (separate IndexedDB), meet through a real relay and sync directly.
 */
test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const device = relayTabs();

async function accountDevices(page: Page): Promise<string[]> {
  await page.getByTestId('open-device-panel').click();
  const rows = page.getByTestId('account-device');
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  const out = (await rows.allTextContents()).map((t) => t.trim());
  await page.keyboard.press('Escape');
  return out;
}

/** The two tabs of the first test, reused by the next (serial). */
const pages: { laptop?: Page; phone?: Page } = {};

test('enrollment between two tabs: one person, two devices, one author in a shared channel', async ({ browser }) => {
  const laptop = await device(browser, 'e2e-enroll-laptop');
  pages.laptop = laptop;
  await createIdentity(laptop, 'Dana');
  await createChannel(laptop, 'notes');
  await sendMessage(laptop, 'written on the laptop');
  const phone = await device(browser, 'e2e-enroll-phone');
  pages.phone = phone;
  await expect(phone.getByTestId('enroll-form')).toBeVisible();

  await laptop.getByTestId('open-device-panel').click();
  await laptop.getByTestId('add-device').click();
  const code = (await laptop.getByTestId('enroll-code').inputValue()).trim();
  expect(code).toMatch(/^aura-rdv:/);
  await expect(laptop.getByTestId('ceremony')).toHaveAttribute('data-state', 'Preparing');

  await phone.getByTestId('enroll-code-input').fill(code);
  await phone.getByTestId('enroll-submit').click();
  // Both screens show the same other-device fingerprints while the ceremony runs, then Committed.
  await expect(laptop.getByTestId('ceremony')).toHaveAttribute('data-state', 'Committed', { timeout: 60_000 });
  await expect(laptop.getByTestId('account-device')).toHaveCount(2);
  await laptop.keyboard.press('Escape');
  // The phone leaves onboarding by itself once it is the identity, with the channel and its history.
  await expect(phone.getByTestId('new-channel-input')).toBeVisible({ timeout: 60_000 });
  await expect(phone.getByTestId('identity-name')).toHaveText('Dana');
  const notes = phone.getByTestId('channel-item').filter({ hasText: 'notes' });
  await expect(notes).toBeVisible({ timeout: 30_000 });
  await notes.click();
  await expect(phone.getByTestId('message-text').filter({ hasText: 'written on the laptop' })).toBeVisible({ timeout: 30_000 });

  const [laptopId, phoneId] = [await deviceId(laptop), await deviceId(phone)];
  for (const p of [laptop, phone]) {
    const rows = await accountDevices(p);
    expect(rows.some((r) => r.includes(laptopId))).toBe(true);
    expect(rows.some((r) => r.includes(phoneId))).toBe(true);
  }

  await sendMessage(phone, 'written on the phone');
  await expect(laptop.getByTestId('message-text').filter({ hasText: 'written on the phone' })).toBeVisible({ timeout: 30_000 });
  // One author: the same display name on both devices' messages, on both devices.
  for (const p of [laptop, phone]) {
    const authors = await p.getByTestId('message').filter({ hasText: /written on the (laptop|phone)/ }).getByTestId('message-author').allTextContents();
    expect(new Set(authors.map((a) => a.trim()))).toEqual(new Set(['Dana']));
  }
});

test('2-of-2 by DKG between the two tabs; a tree op waits (PendingEpoch) while the other tab is offline and commits when it returns', async () => {
  // Continues with the two devices enrolled above (serial mode; same relay, same profiles).
  const laptop = pages.laptop!;
  const phone = pages.phone!;
  await laptop.getByTestId('open-device-panel').click();
  await laptop.getByTestId('threshold-select').selectOption('2');
  await laptop.getByTestId('set-threshold').click();
  await expect(laptop.getByTestId('account-threshold')).toHaveText('2 of 2 devices', { timeout: 60_000 });
  await expect(laptop.getByTestId('policy-change')).toHaveAttribute('data-state', 'Committed', { timeout: 30_000 });
  await phone.getByTestId('open-device-panel').click();
  await expect(phone.getByTestId('account-threshold')).toHaveText('2 of 2 devices', { timeout: 30_000 });

  await phone.context().setOffline(true);
  await laptop.getByTestId('threshold-select').selectOption('1');
  await laptop.getByTestId('set-threshold').click();
  await expect(laptop.getByTestId('pending-op')).toHaveCount(1);
  await expect(laptop.getByTestId('pending-op')).toContainText('UpdatePolicy');
  await expect(laptop.getByTestId('account-threshold')).toHaveText('2 of 2 devices');

  await phone.context().setOffline(false);
  await expect(laptop.getByTestId('account-threshold')).toHaveText('1 of 2 devices', { timeout: 90_000 });
  await expect(laptop.getByTestId('pending-op')).toHaveCount(0);
  await expect(phone.getByTestId('account-threshold')).toHaveText('1 of 2 devices', { timeout: 30_000 });
});

test('removing a device: the removed tab is told, and can no longer write', async () => {
  const laptop = pages.laptop!;
  const phone = pages.phone!;
  // Continues at 1 of 2 (the test above): the laptop removes the phone.
  await expect(laptop.getByTestId('account-threshold')).toHaveText('1 of 2 devices');
  await laptop.getByTestId('account-device').filter({ has: laptop.getByTestId('remove-device') }).getByTestId('remove-device').click();
  await expect(laptop.getByTestId('account-device')).toHaveCount(1, { timeout: 30_000 });
  await expect(phone.getByTestId('device-removed')).toBeVisible({ timeout: 30_000 });
  await phone.keyboard.press('Escape');
  await laptop.keyboard.press('Escape');
  await phone.getByTestId('composer-input').fill('after my removal');
  await phone.getByTestId('composer-input').press('Enter');
  await expect(phone.getByTestId('error-alert')).toHaveAttribute('data-code', 'DeviceRemoved', { timeout: 30_000 });
  await expect(laptop.getByTestId('message-text').filter({ hasText: 'after my removal' })).toHaveCount(0);
});
