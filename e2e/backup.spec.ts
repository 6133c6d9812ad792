import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { createChannel, createIdentity, deviceId, sendMessage } from './helpers.ts';

const PASS = 'four random words here';
const CHANNELS = { general: ['good morning', 'the plan for today'], random: ['a link worth reading'] } as const;

/** What the node itself holds (the lab handle of local builds): the UI saying so is checked separately. */
const held = (page: Page) =>
  page.evaluate(async () => {
    const node = (window as unknown as { auraLab: { node: { identity(): unknown; deviceInfo(): Promise<{ factCount: number }> } } }).auraLab.node;
    return { identity: node.identity(), facts: (await node.deviceInfo()).factCount };
  });

async function expectHistory(page: Page): Promise<void> {
  for (const [channel, texts] of Object.entries(CHANNELS)) {
    await page.getByTestId('channel-item').filter({ hasText: channel }).click();
    const messages = page.getByTestId('message');
    await expect(messages).toHaveCount(texts.length);
    for (const [i, t] of texts.entries()) await expect(messages.nth(i).getByTestId('message-text')).toHaveText(t);
  }
}

test('a backup made in Maintenance restores into a new profile after the old one is deleted: wrong passphrase refused, then every channel and message, same device, and it sends', async ({ page, context }) => {
  test.setTimeout(180_000);
  await page.goto('/?profile=e2e-backup');
  await createIdentity(page, 'Ada Backup');
  for (const [channel, texts] of Object.entries(CHANNELS)) {
    await createChannel(page, channel);
    for (const t of texts) await sendMessage(page, t);
  }
  const device = await deviceId(page);

  // Maintenance → Back up: the passphrase twice (too short and mismatched are not accepted), then a download.
  await page.getByTestId('open-maintenance-panel').click();
  const section = page.getByTestId('backup-section');
  await section.getByTestId('backup-passphrase').fill('short');
  await expect(section.getByTestId('backup-start')).toBeDisabled();
  await section.getByTestId('backup-passphrase').fill(PASS);
  await section.getByTestId('backup-passphrase-again').fill(`${PASS}!`);
  await expect(section.getByTestId('backup-start')).toBeDisabled();
  await section.getByTestId('backup-passphrase-again').fill(PASS);
  const downloading = page.waitForEvent('download');
  await section.getByTestId('backup-start').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^aura-backup-Ada-Backup-\d{4}-\d{2}-\d{2}\.aura$/);
  const file = await download.path();
  expect((await readFile(file)).subarray(1, 7).toString()).toBe('AURABK');
  await expect(section.getByTestId('backup-saved')).toBeVisible();
  await page.keyboard.press('Escape');

  // Device info → Delete this profile: this browser forgets Ada.
  await page.getByTestId('open-device-panel').click();
  await page.getByTestId('delete-profile-start').click();
  await page.getByTestId('delete-profile-confirm').click();
  await expect(page.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain('aura-e2e-backup');
  await page.close();

  // A new tab, a new profile: Restore from backup.
  const tab = await context.newPage();
  await tab.goto('/?profile=e2e-backup-restored');
  await expect(tab.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 });
  const restore = tab.getByTestId('restore-backup');
  await restore.getByTestId('restore-file').setInputFiles(file);
  await restore.getByTestId('restore-passphrase').fill('not the passphrase at all');
  await restore.getByTestId('restore-start').click();
  await expect(restore.getByTestId('error-alert')).toHaveAttribute('data-code', 'WrongPassphrase', { timeout: 30_000 });
  await expect(restore.getByTestId('error-alert')).toContainText('passphrase does not open this backup');
  // Nothing changed: still onboarding, no identity, no facts.
  await expect(tab.getByTestId('onboarding')).toBeVisible();
  expect(await held(tab)).toEqual({ identity: null, facts: 0 });

  await restore.getByTestId('restore-passphrase').fill(PASS);
  await restore.getByTestId('restore-start').click();
  // The tab reloads into the restored profile.
  await expect(tab.getByTestId('channel-item').filter({ hasText: 'general' })).toBeVisible({ timeout: 60_000 });
  await expectHistory(tab);
  expect(await deviceId(tab)).toBe(device);
  expect(((await held(tab)).identity as { displayName: string }).displayName).toBe('Ada Backup');

  // It writes as Ada, and that survives a reload.
  await tab.getByTestId('channel-item').filter({ hasText: 'general' }).click();
  await sendMessage(tab, 'back from the backup');
  await tab.reload();
  await tab.getByTestId('channel-item').filter({ hasText: 'general' }).click();
  await expect(tab.getByTestId('message').filter({ hasText: 'back from the backup' })).toBeVisible({ timeout: 30_000 });
});
