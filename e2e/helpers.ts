import { expect, type Page } from '@playwright/test';

/** Onboards a fresh profile: display name → identity. */
export async function createIdentity(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('onboarding')).toBeVisible();
  await page.getByTestId('display-name-input').fill(name);
  await page.getByTestId('create-identity').click();
  await expect(page.getByTestId('channel-list')).toBeVisible();
}

export async function createChannel(page: Page, name: string): Promise<void> {
  await page.getByTestId('new-channel-input').fill(name);
  await page.getByTestId('create-channel').click();
  await expect(page.getByTestId('channel-item').filter({ hasText: name })).toBeVisible();
  await page.getByTestId('channel-item').filter({ hasText: name }).click();
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await expect(page.getByTestId('message').filter({ hasText: text })).toBeVisible();
}

export async function deviceId(page: Page): Promise<string> {
  const el = page.getByTestId('device-id');
  if (!(await el.isVisible())) await page.getByRole('button', { name: /device/i }).first().click();
  await expect(el).not.toBeEmpty();
  return (await el.textContent())!.trim();
}
