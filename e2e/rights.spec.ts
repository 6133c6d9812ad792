import { expect, test, type Page } from '@playwright/test';
import { createChannel, createIdentity, sendMessage, shareChannel } from './helpers.ts';
import { relayTabs } from './relay-tab.ts';

/**
 * Rights enforced by the receiver, and the category-A additions, between two people over a real relay: the
 * creator renames and sets the topic, the joiner is offered neither and a rename it forces through the lab is
 * refused by the creator's node (counted); reactions and a display-name change reach the other tab.
 */
test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

const tab = relayTabs();

/** What these tests read of the lab handle (`src/node/lab.ts`). */
interface Lab {
  node: { channels(): { data: { id: string }[] }; chat: { renameChannel(ch: string, name: string): Promise<string> }; network(): { dropped: Record<string, number> } };
  forge(ch: string, kind: 'chat.rename', body: { channel: string; name: string }): Promise<string>;
}

const refusedRenames = (page: Page) => page.evaluate(() => (window as unknown as { auraLab: Lab }).auraLab.node.network().dropped['unauthorized:MissingRight'] ?? 0);
const messageBy = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });

test('the creator renames and sets the topic; the joiner cannot, even by forcing it; reactions and a new display name reach the other tab', async ({ browser }) => {
  const alice = await tab(browser, 'rights-alice');
  const bob = await tab(browser, 'rights-bob');
  await createIdentity(alice, 'Alice');
  await createIdentity(bob, 'Bob');
  await createChannel(alice, 'plans');
  await shareChannel(alice, bob, 'plans');
  // Alice has Bob's join once she has his message: from then on her writes go to him.
  await sendMessage(bob, 'hi from bob');
  await expect(messageBy(alice, 'hi from bob')).toBeVisible({ timeout: 60_000 });

  // The creator holds the rename and topic rights: both tabs show the result.
  await alice.getByTestId('edit-channel').click();
  await alice.getByTestId('channel-name-input').fill('roadmap');
  await alice.getByTestId('channel-topic-input').fill('Q3 goals');
  await alice.getByTestId('save-channel').click();
  for (const p of [alice, bob]) {
    await expect(p.getByTestId('channel-title')).toHaveText('roadmap', { timeout: 60_000 });
    await expect(p.getByTestId('channel-topic')).toHaveText('Q3 goals', { timeout: 60_000 });
  }

  // The joiner is offered no control; its node refuses the API call; a rename forced past its node is
  // published, and refused by the creator's node: counted, the name unchanged.
  await expect(bob.getByTestId('edit-channel')).toHaveCount(0);
  const local = await bob.evaluate(async () => {
    const l = (window as unknown as { auraLab: Lab }).auraLab;
    return l.node.chat.renameChannel(l.node.channels().data[0]!.id, 'bobs').then(() => 'written', (e: { code?: string }) => e.code ?? 'untyped');
  });
  expect(local).toBe('AuthorizationDenied');
  await bob.evaluate(async () => {
    const l = (window as unknown as { auraLab: Lab }).auraLab;
    const channel = l.node.channels().data[0]!.id;
    await l.forge(channel, 'chat.rename', { channel, name: 'hijacked' });
  });
  await expect.poll(() => refusedRenames(alice), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  for (const p of [alice, bob]) await expect(p.getByTestId('channel-title')).toHaveText('roadmap');

  // Reactions: Alice reacts to Bob's message from the menu, Bob adds his to the same emoji; both see two, each
  // their own pressed.
  const aliceReacts = messageBy(alice, 'hi from bob');
  await aliceReacts.getByTestId('react-button').click();
  await aliceReacts.getByTestId('react-choice').filter({ hasText: '🎉' }).click();
  const reactionOn = (p: Page) => messageBy(p, 'hi from bob').getByTestId('reaction').filter({ hasText: '🎉' });
  await expect(reactionOn(bob)).toHaveAttribute('data-count', '1', { timeout: 60_000 });
  await expect(reactionOn(bob)).toHaveAttribute('aria-pressed', 'false');
  await reactionOn(bob).click();
  for (const p of [alice, bob]) {
    await expect(reactionOn(p)).toHaveAttribute('data-count', '2', { timeout: 60_000 });
    await expect(reactionOn(p)).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(reactionOn(alice)).toHaveAccessibleName(/🎉 2: (Alice, Bob|Bob, Alice)/);

  // Bob changes his display name from the device panel; Alice's tab shows it on his message.
  await bob.getByTestId('open-device-panel').click();
  await bob.getByTestId('display-name-edit-input').fill('Robert');
  await bob.getByTestId('save-display-name').click();
  await expect(bob.getByTestId('device-display-name')).toHaveText('Robert');
  await bob.keyboard.press('Escape');
  await expect(bob.getByTestId('identity-name')).toHaveText('Robert');
  await expect(messageBy(alice, 'hi from bob').getByTestId('message-author')).toHaveText('Robert', { timeout: 60_000 });
});
