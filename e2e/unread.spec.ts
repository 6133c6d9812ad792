import { expect, test } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';

/** Issue 15 §5: the channel badge counts what this person has not seen, not every message. */
test.setTimeout(120_000);
const tab = relayTabs();

test('the badge shows unread messages of channels not open, clears when opened, and stays cleared after a reload', async ({ browser }) => {
  const alice = await tab(browser, 'e2e-unread-alice');
  await createIdentity(alice, 'Alice');
  await createChannel(alice, 'crew');
  await sendMessage(alice, 'alice was here');
  await alice.getByTestId('share-channel').click();
  const code = (await alice.getByTestId('join-code').inputValue()).trim();
  await alice.keyboard.press('Escape');
  const crew = alice.getByTestId('channel-item').filter({ hasText: 'crew' });
  // Alice's own message was read where she wrote it.
  await expect(crew.getByTestId('channel-unread')).toHaveCount(0);

  const bob = await tab(browser, 'e2e-unread-bob');
  await createIdentity(bob, 'Bob');
  await bob.getByTestId('join-code-input').fill(code);
  await bob.getByTestId('join-channel').click();
  await bob.getByTestId('channel-item').filter({ hasText: 'crew' }).click({ timeout: 30_000 });
  // Bob joined: the message already there is unread for him until he opened the channel (he just did).
  await expect(bob.getByTestId('channel-item').filter({ hasText: 'crew' }).getByTestId('channel-unread')).toHaveCount(0);

  await createChannel(alice, 'elsewhere');
  await sendMessage(bob, 'bob one');
  await sendMessage(bob, 'bob two');
  await expect(crew.getByTestId('channel-unread')).toHaveText('2', { timeout: 30_000 });
  await expect(crew.getByTestId('channel-unread')).toHaveAccessibleName('2 unread');
  await crew.click();
  await expect(crew.getByTestId('channel-unread')).toHaveCount(0);
  await alice.reload();
  await expect(alice.getByTestId('channel-item').filter({ hasText: 'crew' })).toBeVisible();
  await expect(alice.getByTestId('channel-item').filter({ hasText: 'crew' }).getByTestId('channel-unread')).toHaveCount(0);
});
