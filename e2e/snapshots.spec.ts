import { expect, test, type Browser, type Page } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createChannel, onboardedTab, sendMessage, shareChannel } from './helpers.ts';

/**
 * Two people in a channel, both online: a snapshot taken from Maintenance is signed by both witnesses (named in
 * the panel), stored and pruned on both tabs, and after a reload the channel still shows its whole history; the
 * storage plot has its samples, also after the reload; someone who joins afterwards gets the snapshot and the tail.
 */
// Three people, a reload, a snapshot and a later join: over 5 minutes on a busy machine.
test.setTimeout(600_000);

const tab = relayTabs();

const person = (browser: Browser, profile: string, name: string) => onboardedTab(tab, browser, profile, name);

const storedMessages = (page: Page) =>
  page.evaluate(async () => {
    const lab = (window as unknown as { auraLab: { node: { deps: { store: { loadFacts(): Promise<{ kind: string }[]> } } } } }).auraLab;
    return (await lab.node.deps.store.loadFacts()).filter((f) => f.kind === 'chat.message').length;
  });

test('a snapshot taken with two devices online is stored and pruned on both, the history survives a reload, and a later member gets snapshot + tail', async ({ browser }) => {
  const alice = await person(browser, 'e2e-snap-alice', 'Alice');
  const bob = await person(browser, 'e2e-snap-bob', 'Bob');
  await createChannel(alice, 'archive');
  await shareChannel(alice, bob, 'archive');
  const texts = Array.from({ length: 6 }, (_, i) => `entry ${i + 1}`);
  for (const [i, t] of texts.entries()) await sendMessage(i % 2 === 0 ? alice : bob, t);
  for (const page of [alice, bob]) {
    await expect(page.getByTestId('message-text')).toHaveCount(texts.length, { timeout: 60_000 });
    // Both witnesses have a key (the messages reach ◆): a snapshot can be signed.
    await expect(page.getByTestId('status-indicator').last()).toHaveAttribute('data-status', 'Finalized', { timeout: 120_000 });
  }
  expect(await storedMessages(alice)).toBe(texts.length);

  await alice.getByTestId('open-maintenance-panel').click();
  const item = alice.getByTestId('snapshot-item').filter({ hasText: '#archive' });
  await expect(item.getByTestId('take-snapshot')).toBeEnabled();
  // The cut lies 2 s in the past: what was just written is in it once that long has passed.
  await alice.waitForTimeout(2_500);
  await item.getByTestId('take-snapshot').click();
  await expect(item.getByTestId('snapshot-latest')).toHaveAttribute('data-stored', 'true', { timeout: 90_000 });
  await expect(item.getByTestId('snapshot-latest')).toContainText(`${texts.length} facts pruned here`);
  // Who signed it: both members' witnesses (a 2-member context's witness set), named; and what it freed here.
  await expect(item.getByTestId('snapshot-signers')).toHaveAttribute('data-signed', '2');
  await expect(item.getByTestId('snapshot-signers')).toContainText(/Alice, Bob|Bob, Alice/);
  await expect(item.getByTestId('snapshot-signers')).toContainText('of 2 witnesses');
  await expect(item.getByTestId('snapshot-storage')).toContainText(/\d+ → \d+ facts/);
  // Storage over time: an SVG plot with the samples the node took (one at start, one after the snapshot settled).
  const plot = alice.getByTestId('storage-plot');
  await expect(plot).toBeVisible();
  await expect(plot).toHaveAttribute('data-samples', /^([2-9]|\d{2,})$/, { timeout: 30_000 });
  await expect(plot).toHaveAccessibleName('Storage used over time');
  await expect(plot).toHaveAccessibleDescription(/samples? from .* to /);
  const samplesBefore = Number(await plot.getAttribute('data-samples'));

  await bob.getByTestId('open-maintenance-panel').click();
  await expect(bob.getByTestId('snapshot-item').filter({ hasText: '#archive' }).getByTestId('snapshot-latest')).toHaveAttribute('data-stored', 'true', { timeout: 90_000 });
  await expect(bob.getByTestId('snapshot-item').filter({ hasText: '#archive' }).getByTestId('snapshot-signers')).toHaveAttribute('data-signed', '2');
  for (const page of [alice, bob]) expect(await storedMessages(page)).toBe(0);

  await alice.reload();
  await alice.getByTestId('channel-item').filter({ hasText: 'archive' }).click();
  await expect(alice.getByTestId('message-text')).toHaveText(texts, { timeout: 30_000 });
  await expect(alice.getByTestId('status-indicator').first()).toHaveAttribute('data-status', 'Finalized');
  expect(await storedMessages(alice)).toBe(0);

  // The storage history survived the reload (kept in the profile's meta store), and grew by the new start's sample.
  await alice.getByTestId('open-maintenance-panel').click();
  await expect.poll(async () => Number(await alice.getByTestId('storage-plot').getAttribute('data-samples')), { timeout: 30_000 }).toBeGreaterThan(samplesBefore);
  await expect(alice.getByTestId('snapshot-item').filter({ hasText: '#archive' }).getByTestId('snapshot-storage')).toContainText(/\d+ → \d+ facts/);

  await alice.keyboard.press('Escape');
  await expect(alice.getByTestId('maintenance-panel')).toBeHidden();

  // Carol joins after the prune: she receives the snapshot's blob and the tail, never the pruned facts.
  const carol = await person(browser, 'e2e-snap-carol', 'Carol');
  await shareChannel(alice, carol, 'archive');
  await expect(carol.getByTestId('message-text')).toHaveText(texts, { timeout: 120_000 });
  expect(await storedMessages(carol)).toBe(0);
  await carol.getByTestId('open-maintenance-panel').click();
  await expect(carol.getByTestId('snapshot-item').filter({ hasText: '#archive' }).getByTestId('snapshot-latest')).toHaveAttribute('data-stored', 'true', { timeout: 30_000 });
});
