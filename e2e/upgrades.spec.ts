import { expect, test } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';

/**
 * Upgrades between two devices of one person: the phone tab runs as protocol 1.0.0 (`?protocol=`, a lab
 * option of local builds), the laptop as this build. Before the activation's fence they sync; past it the
 * phone says "Update required" and the laptop refuses its sessions, counted on its network panel.
 */
test.setTimeout(240_000);

const device = relayTabs();

test('an upgrade activated from Maintenance → Upgrades: synced before the fence, the older tab refused past it', async ({ browser }) => {
  const laptop = await device(browser, 'e2e-upgrade-laptop');
  await createIdentity(laptop, 'Uma');
  await createChannel(laptop, 'notes');
  const phone = await device(browser, 'e2e-upgrade-phone');
  await phone.goto(`${phone.url()}&protocol=1.0.0`);
  await expect(phone.getByTestId('enroll-form')).toBeVisible();

  await laptop.getByTestId('open-device-panel').click();
  await laptop.getByTestId('add-device').click();
  const code = (await laptop.getByTestId('enroll-code').inputValue()).trim();
  await phone.getByTestId('enroll-code-input').fill(code);
  await phone.getByTestId('enroll-submit').click();
  await expect(laptop.getByTestId('ceremony')).toHaveAttribute('data-state', 'Committed', { timeout: 60_000 });
  await laptop.keyboard.press('Escape');
  await expect(phone.getByTestId('new-channel-input')).toBeVisible({ timeout: 60_000 });

  // Maintenance → Upgrades on the laptop: it runs 1.2.0 and hears the phone advertise 1.0.0.
  await laptop.getByTestId('open-maintenance-panel').click();
  await expect(laptop.getByTestId('upgrade-version')).toHaveText('1.2.0');
  await expect(laptop.getByTestId('upgrade-peer').filter({ hasText: '1.0.0' })).toBeVisible({ timeout: 60_000 });
  await laptop.getByTestId('activate-upgrade').click();
  const activation = laptop.getByTestId('upgrade-activation');
  await expect(activation.getByTestId('ceremony')).toHaveAttribute('data-state', 'Committed', { timeout: 30_000 });
  await expect(activation).toContainText('pending');
  await laptop.keyboard.press('Escape');

  // Before the fence nothing changes: the phone still syncs, and no update is asked for.
  await sendMessage(laptop, 'before the fence');
  const notes = phone.getByTestId('channel-item').filter({ hasText: 'notes' });
  await expect(notes).toBeVisible({ timeout: 30_000 });
  await notes.click();
  await expect(phone.getByTestId('message-text').filter({ hasText: 'before the fence' })).toBeVisible({ timeout: 30_000 });
  await expect(phone.getByTestId('update-required')).toHaveCount(0);

  // The next identity epoch brings the fence into force.
  await laptop.getByTestId('open-maintenance-panel').click();
  await laptop.getByTestId('rotate-epoch').click();
  await expect(laptop.getByTestId('upgrade-required')).toHaveText('1.2.0', { timeout: 30_000 });
  await laptop.keyboard.press('Escape');
  await expect(phone.getByTestId('update-required')).toContainText('this device runs 1.0.0, your account now requires 1.2.0', { timeout: 60_000 });
  await expect(phone.getByTestId('check-for-update')).toBeVisible();

  // The laptop refuses the phone's sessions, counted on its network panel.
  await laptop.getByTestId('net-status').click();
  await expect(laptop.getByTestId('drop-list')).toContainText('upgrade:PeerOutdated', { timeout: 60_000 });
});
