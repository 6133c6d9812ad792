import { expect, test, type Page } from '@playwright/test';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';

async function start(page: Page, profile: string): Promise<void> {
  await page.goto(`/?profile=${profile}`);
  await createIdentity(page, 'Composer');
  await createChannel(page, 'general');
}

const texts = (page: Page) => page.getByTestId('message-text').allTextContents();

/**
 * Holds every write of the node: a readwrite transaction on its facts store that never ends (it always has a
 * request in flight), so `sendMessage` waits as on a stalled disk. It lasts until the page goes away.
 */
async function stallWrites(page: Page, profile: string): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const facts = open.result.transaction('facts', 'readwrite').objectStore('facts');
          const spin = () => {
            facts.get('').onsuccess = spin;
          };
          spin();
          resolve();
        };
      }),
    `aura-${profile}`,
  );
}

test('typing on right after Enter keeps every character, in order', async ({ page }) => {
  await start(page, 'e2e-composer-fast');
  const input = page.getByTestId('composer-input');
  await input.focus();
  // No waiting between keys: each Enter lands while the send before it is still being written.
  await page.keyboard.type('one');
  await page.keyboard.press('Enter');
  await page.keyboard.type('two');
  await page.keyboard.press('Enter');
  await page.keyboard.type('three');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('message')).toHaveCount(3);
  expect(await texts(page)).toEqual(['one', 'two', 'three']);
  await expect(input).toHaveValue('');

  // Text typed right after Enter stays in the box once that send finished.
  await page.keyboard.type('four');
  await page.keyboard.press('Enter');
  await page.keyboard.type('still typing');
  await expect(page.getByTestId('message')).toHaveCount(4);
  await expect(page.getByTestId('message-text').last()).toHaveText('four');
  await expect(input).toHaveValue('still typing');
});

test('a draft survives a reload, per channel', async ({ page }) => {
  await start(page, 'e2e-composer-draft');
  await page.getByTestId('composer-input').fill('half a thought');
  await createChannel(page, 'other');
  await expect(page.getByTestId('composer-input')).toHaveValue('');
  await page.reload();
  await page.getByTestId('channel-item').filter({ hasText: 'general' }).click();
  await expect(page.getByTestId('composer-input')).toHaveValue('half a thought');
  await page.getByTestId('channel-item').filter({ hasText: 'other' }).click();
  await expect(page.getByTestId('composer-input')).toHaveValue('');
});

test('messages sent while the node could not write yet are sent after a reload, once each and in order', async ({ page }) => {
  const profile = 'e2e-composer-stall';
  await start(page, profile);
  await sendMessage(page, 'before the stall');
  await stallWrites(page, profile);
  const input = page.getByTestId('composer-input');
  await input.fill('queued one');
  await input.press('Enter');
  await expect(input).toHaveValue('');
  await input.fill('queued two');
  await input.press('Enter');
  await expect(input).toHaveValue('');
  // Neither is written: the tab dies with both still queued.
  await expect(page.getByTestId('message')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('message')).toHaveCount(3);
  expect(await texts(page)).toEqual(['before the stall', 'queued one', 'queued two']);
});

test('after a crash, a queued message the node had already written is not sent again', async ({ page }) => {
  const profile = 'e2e-composer-crash';
  await start(page, profile);
  await sendMessage(page, 'earlier');
  await sendMessage(page, 'written just before the crash');
  const earlier = await page.getByTestId('message').first().getAttribute('data-message-id');
  const channel = decodeURIComponent(new URL(page.url()).hash.replace('#channel=', ''));
  // What a tab leaves when it dies between the node's write and the queue's update: the written message still
  // queued, handed over after `earlier`, and one the node never saw behind it.
  await page.evaluate(
    ([key, after]) =>
      localStorage.setItem(key!, JSON.stringify({ draft: 'unsent draft', queue: [{ text: 'written just before the crash', after }, { text: 'never written' }] })),
    [`aura:${profile}:composer:${channel}`, earlier],
  );
  await page.reload();
  await expect(page.getByTestId('message')).toHaveCount(3);
  expect(await texts(page)).toEqual(['earlier', 'written just before the crash', 'never written']);
  await expect(page.getByTestId('composer-input')).toHaveValue('unsent draft');
});

test('a counter near the limit; past it Send is disabled and Enter sends nothing', async ({ page }) => {
  await start(page, 'e2e-composer-limit');
  const input = page.getByTestId('composer-input');
  const counter = page.getByTestId('composer-counter');
  const send = page.getByTestId('send-button');
  await input.fill('x'.repeat(3499));
  await expect(counter).toBeHidden();
  await input.press('End');
  await page.keyboard.type('x');
  await expect(counter).toHaveText('3500 / 4000');
  await input.fill('x'.repeat(4000));
  await expect(counter).toHaveText('4000 / 4000');
  await expect(send).toBeEnabled();
  await input.press('End');
  await page.keyboard.type('y');
  await expect(counter).toHaveText('4001 / 4000');
  await expect(counter).toHaveAttribute('data-over', 'true');
  await expect(send).toBeDisabled();
  await expect(page.getByTestId('composer-too-long')).toContainText('at most 4000 characters');
  await input.press('Enter');
  await expect(input).toHaveValue(`${'x'.repeat(4000)}y`);
  await expect(page.getByTestId('message')).toHaveCount(0);
  // At the limit exactly, the node takes it: the UI's limit is the node's.
  await input.press('Backspace');
  await expect(page.getByTestId('composer-too-long')).toBeHidden();
  await input.press('Enter');
  await expect(page.getByTestId('message')).toHaveCount(1);
  await expect(input).toHaveValue('');
});

test('a send the node refuses comes back to the box with the error', async ({ page }) => {
  await start(page, 'e2e-composer-refused');
  const input = page.getByTestId('composer-input');
  // Half a surrogate pair: the node refuses it (InvalidInput), as it could not be signed as typed. Built in the
  // page, since the protocol to the browser would replace it with U+FFFD.
  await input.focus();
  await page.evaluate(() => document.execCommand('insertText', false, `broken ${String.fromCharCode(0xd83d)}`));
  await input.press('Enter');
  await expect(page.getByTestId('error-alert')).toHaveAttribute('data-code', 'InvalidInput');
  expect(await input.evaluate((el: HTMLTextAreaElement) => el.value === `broken ${String.fromCharCode(0xd83d)}`)).toBe(true);
  await expect(page.getByTestId('message')).toHaveCount(0);
});
