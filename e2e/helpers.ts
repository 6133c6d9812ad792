import { expect, type Browser, type Page } from '@playwright/test';

/** Onboards a fresh profile: display name → identity. */
export async function createIdentity(page: Page, name: string): Promise<void> {
  // Opening a profile (the node's chunk, the store, libp2p) takes seconds on a loaded machine.
  await expect(page.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('display-name-input').fill(name);
  await page.getByTestId('create-identity').click();
  await expect(page.getByTestId('new-channel-input')).toBeVisible();
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
  if (!(await el.isVisible())) await page.getByTestId('open-device-panel').click();
  await expect(el).not.toBeEmpty();
  const id = (await el.textContent())!.trim();
  // The panel is a modal dialog: close it so the rest of the page takes input again.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('device-panel')).toBeHidden();
  return id;
}

/** The joiner enters the channel's join code from the creator's Share, then opens the channel. */
export async function shareChannel(from: Page, to: Page, name: string): Promise<void> {
  await from.getByTestId('share-channel').click();
  const code = (await from.getByTestId('join-code').inputValue()).trim();
  await from.keyboard.press('Escape');
  await to.getByTestId('join-code-input').fill(code);
  await to.getByTestId('join-channel').click();
  await to.getByTestId('channel-item').filter({ hasText: name }).click({ timeout: 60_000 });
}

/** A tab on its own profile (from a spec's `relayTabs()`), onboarded as `name`. */
export async function onboardedTab(tab: (browser: Browser, profile: string) => Promise<Page>, browser: Browser, profile: string, name: string): Promise<Page> {
  const page = await tab(browser, profile);
  await createIdentity(page, name);
  return page;
}
