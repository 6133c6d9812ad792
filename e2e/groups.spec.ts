import { expect, test, type Browser, type Page } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createIdentity, sendMessage } from './helpers.ts';
import { authorityOf, befriend, propose, sealedDrops } from './lab.ts';

/**
 * Three people over a real relay: alice makes a group of her contacts bob and carol (a ceremony, k of n), they
 * chat in its channel; a removal by proposal (category B) rotates the key; an unvoted proposal expires.
 */
test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

const tab = relayTabs();
const people: { alice?: Page; bob?: Page; carol?: Page; group?: string } = {};

async function person(browser: Browser, profile: string, name: string): Promise<Page> {
  const page = await tab(browser, profile);
  await createIdentity(page, name);
  return page;
}

async function openGroups(page: Page): Promise<void> {
  await page.getByTestId('open-groups-panel').click();
  await expect(page.getByTestId('groups-panel')).toBeVisible();
}

async function openProposals(page: Page): Promise<void> {
  await page.getByTestId('open-proposals-panel').click();
  await expect(page.getByTestId('proposals-panel')).toBeVisible();
}

async function closePanel(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog[open]')).toHaveCount(0);
}

const groupChannel = (page: Page) => page.getByTestId('channel-item').filter({ has: page.locator('[data-testid="channel-kind"][data-kind="group"]') });

test('a group of contacts: waiting 1 of 2 while carol is offline, committed once she accepts; they chat in its channel', async ({ browser }) => {
  const alice = (people.alice = await person(browser, 'e2e-group-alice', 'alice'));
  const bob = (people.bob = await person(browser, 'e2e-group-bob', 'bob'));
  const carol = (people.carol = await person(browser, 'e2e-group-carol', 'carol'));
  await befriend(alice, bob);
  await befriend(alice, carol);

  await carol.context().setOffline(true);
  await openGroups(alice);
  await alice.getByTestId('group-name-input').fill('team');
  await alice.getByRole('checkbox', { name: 'bob' }).check();
  await alice.getByRole('checkbox', { name: 'carol' }).check();
  await expect(alice.getByTestId('group-threshold')).toHaveValue('2');
  await alice.getByTestId('create-group').click();
  const card = alice.getByTestId('group').filter({ hasText: 'team' });
  await expect(card.getByTestId('group-ceremony')).toHaveAttribute('data-state', 'PendingEpoch');
  await expect(card.getByTestId('group-ceremony-progress')).toHaveText('(0 of 2)');
  people.group = (await card.getAttribute('data-context'))!;

  await expect(bob.getByTestId('groups-badge')).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  await openGroups(bob);
  await expect(bob.getByTestId('group-invitation')).toContainText('alice invites you to team');
  await bob.getByTestId('accept-group').click();
  await expect(card.getByTestId('group-ceremony-progress')).toHaveText('(1 of 2)', { timeout: 30_000 });
  await expect(card.getByTestId('group-invitee').filter({ hasText: 'bob' })).toHaveAttribute('data-response', 'Accepted');
  await expect(card.getByTestId('group-invitee').filter({ hasText: 'carol' })).toHaveAttribute('data-response', 'Pending');
  await expect(card.getByTestId('group-ceremony')).toHaveAttribute('data-state', 'PendingEpoch');

  await carol.context().setOffline(false);
  await openGroups(carol);
  await expect(carol.getByTestId('group-invitation')).toContainText('alice invites you to team', { timeout: 60_000 });
  await carol.getByTestId('accept-group').click();
  for (const p of [alice, bob, carol]) {
    await expect(p.getByTestId('group').filter({ hasText: 'team' }).getByTestId('group-ceremony')).toHaveAttribute('data-state', 'Committed', { timeout: 60_000 });
  }
  await expect(card.getByTestId('group-member')).toHaveCount(3);
  await expect(card.locator('[data-testid="group-member"][data-me="true"]')).toContainText('alice (you)');
  for (const p of [alice, bob, carol]) await closePanel(p);

  // The group's channel is tagged as the group's, and offers no join code.
  for (const p of [alice, bob, carol]) {
    await expect(groupChannel(p)).toContainText('Group: team', { timeout: 30_000 });
    await groupChannel(p).click();
    await expect(p.getByTestId('share-channel')).toHaveCount(0);
  }
  await sendMessage(alice, 'hello team');
  await sendMessage(carol, 'carol here');
  for (const p of [alice, bob, carol]) {
    for (const text of ['hello team', 'carol here']) await expect(p.getByTestId('message-text').filter({ hasText: text })).toBeVisible({ timeout: 30_000 });
  }
});

test('removing carol by proposal: bob approves, Approved then applied ◆; carol is told and cannot read what follows', async () => {
  const { alice, bob, carol } = people as Required<typeof people>;
  await openGroups(alice);
  await alice.getByTestId('group-member').filter({ hasText: 'carol' }).getByTestId('propose-removal').click();
  await expect(alice.getByTestId('group-member').filter({ hasText: 'carol' }).getByTestId('removal-pending')).toBeVisible();
  await closePanel(alice);
  await expect(alice.getByTestId('group-proposal-badge')).toHaveText('1 proposal pending');

  await openProposals(alice);
  const mine = alice.getByTestId('proposal').filter({ hasText: 'remove carol' });
  await expect(mine.getByTestId('proposal-state')).toHaveAttribute('data-state', 'Pending');
  await expect(mine.getByTestId('proposal-approvals')).toHaveText('approvals 1 of 2');
  await expect(mine.getByTestId('proposal-awaiting')).toHaveText('bob');
  await expect(mine.getByTestId('approve-proposal')).toHaveCount(0);

  await expect(bob.getByTestId('proposals-badge')).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  await openProposals(bob);
  const asked = bob.getByTestId('proposal').filter({ hasText: 'remove carol' });
  await expect(asked.getByTestId('proposal-state')).toHaveAttribute('data-state', 'Pending');
  await asked.getByTestId('approve-proposal').click();
  await expect(asked.getByTestId('proposal-state')).toHaveAttribute('data-state', 'Approved', { timeout: 30_000 });
  await expect(bob.getByTestId('proposals-badge')).toHaveCount(0);
  await expect(mine.getByTestId('proposal-state')).toHaveAttribute('data-state', 'Approved', { timeout: 30_000 });
  for (const p of [alice, bob]) {
    const row = p.getByTestId('proposal').filter({ hasText: 'remove carol' });
    await expect(row.getByTestId('proposal-applied')).toHaveAttribute('data-applied', 'true', { timeout: 30_000 });
    // ◆ once the remaining witnesses checkpoint the deciding facts.
    await expect(row.getByTestId('proposal-applied')).toHaveAttribute('data-agreement', 'Finalized', { timeout: 90_000 });
    await expect(row.getByTestId('proposal-finalized')).toContainText('◆');
  }

  // Carol: sees the decision, and is told in Groups and in the channel.
  await openProposals(carol);
  await expect(carol.getByTestId('proposal').filter({ hasText: 'remove carol' }).getByTestId('proposal-state')).toHaveAttribute('data-state', 'Approved', {
    timeout: 30_000,
  });
  await closePanel(carol);
  await openGroups(carol);
  await expect(carol.getByTestId('group-removed')).toContainText('You were removed from team', { timeout: 60_000 });
  await closePanel(carol);
  await expect(carol.getByTestId('channel-removed')).toBeVisible();
  for (const p of [alice, bob]) await closePanel(p);

  const before = await sealedDrops(carol);
  await sendMessage(alice, 'after carol left');
  await expect(bob.getByTestId('message-text').filter({ hasText: 'after carol left' })).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => sealedDrops(carol), { timeout: 60_000 }).toBeGreaterThan(before);
  // The network panel shows the same drops, by their `sealed:` reasons.
  await carol.getByTestId('net-status').click();
  await expect(carol.locator('[data-testid="drop-list"] li[data-reason^="sealed:"]').first()).toBeVisible();
  await closePanel(carol);
  await expect(carol.getByTestId('message-text').filter({ hasText: 'after carol left' })).toHaveCount(0);
});

test('a proposal nobody votes on expires (by fact time: a later fact in the group)', async () => {
  const { alice, bob } = people as Required<typeof people>;
  // Bob proposes his own promotion: alice, the one other member, must approve (a proposer votes only when not its subject).
  await propose(bob, people.group!, 'set-role', [await authorityOf(bob), 'admin'], 3000);
  await expect(alice.getByTestId('proposals-badge')).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  await openProposals(alice);
  const row = alice.getByTestId('proposal').filter({ hasText: 'make bob an admin' });
  await expect(row.getByTestId('proposal-state')).toHaveAttribute('data-state', 'Pending');
  await expect(row.getByTestId('proposal-awaiting')).toHaveText('alice');
  await expect(row.getByTestId('approve-proposal')).toBeVisible();
  await closePanel(alice);
  await alice.waitForTimeout(3500);
  // Expiry is judged by fact time: it shows once a later fact is in the group.
  await sendMessage(alice, 'time moves on');
  for (const p of [alice, bob]) {
    await openProposals(p);
    const r = p.getByTestId('proposal').filter({ hasText: 'make bob an admin' });
    await expect(r.getByTestId('proposal-state')).toHaveAttribute('data-state', 'Expired', { timeout: 30_000 });
    await expect(r.getByTestId('approve-proposal')).toHaveCount(0);
    await closePanel(p);
  }
  await expect(alice.getByTestId('proposals-badge')).toHaveCount(0);
});
