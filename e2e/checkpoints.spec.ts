import { expect, test, type Browser, type Page } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createChannel, onboardedTab, sendMessage, shareChannel } from './helpers.ts';

/** Two people in a channel: their witness devices make a group key and checkpoint the channel (◆). */
test.setTimeout(180_000);

const tab = relayTabs();

const person = (browser: Browser, profile: string, name: string) => onboardedTab(tab, browser, profile, name);

const drops = (page: Page) =>
  page.evaluate(() => (window as unknown as { auraLab?: { node: { network(): { dropped: unknown } } } }).auraLab?.node.network().dropped);

test('a message reaches ◆ Finalized after a checkpoint commit, and its details name the consensus and the witnesses', async ({ browser }) => {
  const alice = await person(browser, 'e2e-ckpt-alice', 'Alice');
  const bob = await person(browser, 'e2e-ckpt-bob', 'Bob');
  await createChannel(alice, 'decisions');
  await sendMessage(alice, 'we ship on friday');
  await shareChannel(alice, bob, 'decisions');
  await expect(bob.getByTestId('message-text').filter({ hasText: 'we ship on friday' })).toBeVisible({ timeout: 30_000 });

  const mine = alice.getByTestId('message').filter({ hasText: 'we ship on friday' }).getByTestId('status-indicator');
  await expect(mine).toHaveAttribute('data-status', 'Finalized', { timeout: 90_000 }).catch(async (e: unknown) => {
    // What each tab dropped says which step stalled (DKG, endorsement or the commit).
    for (const [who, page] of [['alice', alice], ['bob', bob]] as const) console.log(who, 'dropped', JSON.stringify(await drops(page)));
    throw e;
  });
  await mine.click();
  await expect(alice.getByTestId('status-agreement')).toContainText('Finalized');
  await expect(alice.getByTestId('status-finality')).toContainText(/checkpoint:[0-9a-f]+ at .+, signed by Alice, Bob/);
});
