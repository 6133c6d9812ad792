import { expect, test, type Locator, type Page } from '@playwright/test';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';
import { relayTabs } from './relay-tab.ts';

const direction = (el: Locator) => el.evaluate((e) => getComputedStyle(e).direction);
const channelItem = (page: Page, name: string) => page.getByTestId('channel-item').filter({ hasText: name });

async function joinCodeOf(page: Page): Promise<string> {
  await page.getByTestId('share-channel').click();
  const code = (await page.getByTestId('join-code').inputValue()).trim();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('share-panel')).toBeHidden();
  return code;
}

test('identity, channel and message from the keyboard alone; focus lands where the next key belongs', async ({ page }) => {
  await page.goto('/?profile=e2e-kbd-only');
  await expect(page.getByTestId('display-name-input')).toBeFocused();
  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('new-channel-input')).toBeFocused();
  await page.keyboard.type('general');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('composer-input')).toBeFocused();
  // A second Enter lands in the (empty) composer: it sends nothing and makes no second channel.
  await page.keyboard.press('Enter');
  await page.keyboard.type('typed, never clicked');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('message-text')).toHaveText(['typed, never clicked']);
  await expect(page.getByTestId('channel-item')).toHaveCount(1);

  // Tab back to Share, open it, and Escape out to where we were.
  const share = page.getByTestId('share-channel');
  for (let i = 0; i < 10 && !(await share.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Shift+Tab');
  await expect(share).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('join-code')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('share-panel')).toBeHidden();
  await expect(share).toBeFocused();
});

test('right-to-left text renders right-to-left: messages, author, channel and display names', async ({ page }) => {
  await page.goto('/?profile=e2e-kbd-rtl');
  await createIdentity(page, 'דנה');
  await createChannel(page, 'כללי');
  await sendMessage(page, 'مرحبا بالعالم');
  await sendMessage(page, 'hello world');
  const [rtl, ltr] = [page.getByTestId('message-text').first(), page.getByTestId('message-text').last()];
  await expect(rtl).toHaveAttribute('dir', 'auto');
  expect(await direction(rtl)).toBe('rtl');
  // dir="auto", not a forced direction: a left-to-right message stays left-to-right.
  expect(await direction(ltr)).toBe('ltr');
  expect(await direction(page.getByTestId('message-author').first())).toBe('rtl');
  expect(await direction(page.getByTestId('identity-name'))).toBe('rtl');
  expect(await direction(channelItem(page, 'כללי').locator('[dir="auto"]'))).toBe('rtl');
});

test('Share closes on Escape from anywhere inside it, and after Copy; focus returns to Share', async ({ page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?profile=e2e-kbd-share');
  await createIdentity(page, 'Sam');
  await createChannel(page, 'general');
  const share = page.getByTestId('share-channel');
  const panel = page.getByTestId('share-panel');

  // After a click on its text, which takes no focus of its own.
  await share.click();
  await panel.getByText('Anyone with this code').click();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(share).toBeFocused();

  await share.click();
  const code = (await page.getByTestId('join-code').inputValue()).trim();
  await page.getByTestId('copy-join-code').click();
  await expect(panel).toBeHidden();
  await expect(share).toBeFocused();
  await expect(page.getByTestId('share-copied')).toHaveText('Join code copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
});

test('a join code for a channel already here says so and selects it', async ({ page }) => {
  await page.goto('/?profile=e2e-kbd-already');
  await createIdentity(page, 'Ada');
  await createChannel(page, 'general');
  const code = await joinCodeOf(page);
  await createChannel(page, 'random');
  await page.getByTestId('join-code-input').fill(code);
  await page.getByTestId('join-code-input').press('Enter');
  await expect(page.getByTestId('join-already')).toHaveText('You are already in #general');
  await expect(channelItem(page, 'general')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('join-note')).toBeHidden();
  await expect(page.getByTestId('channel-item')).toHaveCount(2);
});

test('channels of the same name are told apart by a tag from their ids, the same after a reload', async ({ page }) => {
  await page.goto('/?profile=e2e-kbd-dupes');
  await createIdentity(page, 'Dee');
  for (const [i, name] of ['general', 'general', 'random'].entries()) {
    await page.getByTestId('new-channel-input').fill(name);
    await page.getByTestId('new-channel-input').press('Enter');
    await expect(page.getByTestId('channel-item')).toHaveCount(i + 1);
    await expect(page.getByTestId('composer-input')).toBeFocused();
  }
  await expect(page.getByTestId('channel-item')).toHaveCount(3);
  await expect(channelItem(page, 'random').getByTestId('channel-tag')).toHaveCount(0);
  const tags = channelItem(page, 'general').getByTestId('channel-tag');
  await expect(tags).toHaveCount(2);
  const before = (await tags.allTextContents()).map((t) => t.trim());
  expect(before[0]).not.toBe(before[1]);
  for (const [i, tag] of before.entries()) {
    expect(tag.length).toBeGreaterThanOrEqual(4);
    await channelItem(page, 'general').nth(i).click();
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(new RegExp(`${tag}$`));
  }
  await page.reload();
  await expect(tags).toHaveCount(2);
  expect((await tags.allTextContents()).map((t) => t.trim())).toEqual(before);
});

test.describe('over a relay', () => {
  const tab = relayTabs();

  test('a pending join survives a reload, and its note goes once the channel arrives', async ({ browser }) => {
    test.setTimeout(180_000);
    const alice = await tab(browser, 'e2e-kbd-pj-alice');
    await createIdentity(alice, 'Alice');
    await createChannel(alice, 'later');
    const code = await joinCodeOf(alice);
    const aliceUrl = alice.url();
    // Nobody is online who has the channel: Bob's join can only wait.
    await alice.close();

    const bob = await tab(browser, 'e2e-kbd-pj-bob');
    await createIdentity(bob, 'Bob');
    await bob.getByTestId('join-code-input').fill(code);
    await bob.getByTestId('join-channel').click();
    const note = bob.getByTestId('join-note');
    await expect(note).toBeVisible();
    await bob.reload();
    await expect(note).toBeVisible();
    await expect(bob.getByTestId('channel-item')).toHaveCount(0);

    const again = await alice.context().newPage();
    await again.goto(aliceUrl);
    await expect(channelItem(bob, 'later')).toBeVisible({ timeout: 90_000 });
    await expect(note).toBeHidden();
    await bob.reload();
    await expect(channelItem(bob, 'later')).toBeVisible();
    await expect(note).toBeHidden();
  });
});
