import { expect, test, type Browser, type Page } from '@playwright/test';
import { createIdentity, sendMessage } from './helpers.ts';
import { befriend, deviceIdOf, groupOf, wardsOf } from './lab.ts';
import { relayTabs } from './relay-tab.ts';

/**
 * Guardians and recovery over a real relay (DESIGN §2, §7): alice makes her contacts bob, carol and dave her
 * guardians, 2 of 3, waiting 30 s; a stranger's request is refused; one alice cancels from her device is never
 * signed; then alice's profile is deleted and a fresh tab recovers her with bob's approval and, once carol is
 * back online, carol's.
 */
test.describe.configure({ mode: 'serial' });
// Four browser contexts and a 30 s waiting period: on a loaded 2-core machine one test takes minutes.
test.setTimeout(600_000);

const tab = relayTabs();
const people: { alice?: Page; bob?: Page; carol?: Page; dave?: Page; group?: string } = {};
const shownDevice = (id: string) => id.slice(-8).toUpperCase().replace(/(.{4})/, '$1 ');

async function person(browser: Browser, profile: string, name: string): Promise<Page> {
  const page = await tab(browser, profile);
  await createIdentity(page, name);
  return page;
}

async function closePanel(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog[open]')).toHaveCount(0);
}

/** A fresh tab (no identity) asks alice's guardians; returns it with its code and device. */
async function asker(browser: Browser, profile: string): Promise<{ page: Page; code: string; device: string }> {
  const page = await tab(browser, profile);
  await expect(page.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('recover-name-input').fill('alice');
  await page.getByTestId('start-recovery').click();
  const code = (await page.getByTestId('recovery-code').inputValue()).trim();
  expect(code).toMatch(/^aura-rdv:/);
  const device = (await page.getByTestId('recovering-device').getAttribute('data-device'))!;
  expect(device).toBe(await deviceIdOf(page));
  await expect(page.getByTestId('recovering-device')).toHaveText(shownDevice(device));
  return { page, code, device };
}

/** A guardian enters the code, meets the device, and answers for alice. */
async function answer(guardian: Page, code: string, device: string, approve: boolean): Promise<void> {
  await guardian.getByTestId('open-contacts-panel').click();
  await guardian.getByTestId('recovery-code-input').fill(code);
  await guardian.getByTestId('recovery-code-submit').click();
  const help = guardian.locator(`[data-testid="recovery-help"][data-device="${device}"]`);
  // Meeting the device goes over the relay's gossip: slow on a loaded machine.
  await expect(help.getByTestId('recovery-claimed-name')).toHaveText('alice', { timeout: 120_000 });
  await expect(help.getByTestId('recovery-device')).toHaveText(shownDevice(device));
  await expect(help.getByTestId('recovery-ward')).toHaveValue((await wardsOf(guardian))[0]!.authority);
  await help.getByTestId(approve ? 'approve-recovery' : 'refuse-recovery').click();
  await expect(help).toHaveAttribute('data-answer', approve ? 'approved' : 'refused');
  await closePanel(guardian);
}

const recoveringStep = (page: Page) => page.getByTestId('recover-identity').getByTestId('ceremony');

test('alice chooses bob, carol and dave as guardians, 2 of 3: each accepts, they generate the key, Committed', async ({ browser }) => {
  const alice = (people.alice = await person(browser, 'e2e-rec-alice', 'alice'));
  const guardians = [
    (people.bob = await person(browser, 'e2e-rec-bob', 'bob')),
    (people.carol = await person(browser, 'e2e-rec-carol', 'carol')),
    (people.dave = await person(browser, 'e2e-rec-dave', 'dave')),
  ];
  for (const g of guardians) await befriend(alice, g);
  people.group = await groupOf(alice, 'team', [people.bob, people.carol]);
  await alice.getByTestId('channel-item').filter({ hasText: 'team' }).first().click();
  await sendMessage(alice, 'before the loss');

  await alice.getByTestId('open-device-panel').click();
  const section = alice.getByTestId('guardians-section');
  await expect(section.getByTestId('no-guardians')).toBeVisible();
  for (const name of ['bob', 'carol', 'dave']) await section.getByRole('checkbox', { name }).check();
  await expect(section.getByTestId('guardian-threshold')).toHaveValue('2');
  await section.getByTestId('guardian-delay').selectOption({ label: '30 seconds (to try it out)' });
  await section.getByTestId('set-guardians').click();
  const setup = section.getByTestId('guardian-setup').getByTestId('ceremony');
  await expect(setup).toHaveAttribute('data-state', 'PendingEpoch');
  await closePanel(alice);

  for (const g of guardians) {
    await g.getByTestId('review-guardian-requests').click({ timeout: 60_000 });
    await expect(g.getByTestId('guardian-invitation-from')).toHaveText('alice');
    await g.getByTestId('accept-guardian').click();
    await expect(g.getByTestId('guardian-invitation')).toHaveCount(0);
    await closePanel(g);
  }
  await alice.getByTestId('open-device-panel').click();
  await expect(setup).toHaveAttribute('data-state', 'Committed', { timeout: 120_000 });
  await expect(section.getByTestId('guardians-current')).toContainText('2 of bob, carol, dave');
  await closePanel(alice);
  for (const g of guardians) await expect.poll(async () => (await wardsOf(g))[0]?.holdsShare ?? false, { timeout: 60_000 }).toBe(true);
});

test('a refused recovery: bob and carol refuse a stranger claiming to be alice; nothing is signed', async ({ browser }) => {
  const { page, code, device } = await asker(browser, 'e2e-rec-stranger');
  for (const g of [people.bob!, people.carol!]) await answer(g, code, device, false);
  await expect(recoveringStep(page)).toHaveAttribute('data-state', 'Aborted', { timeout: 60_000 });
  await expect(page.getByTestId('recover-identity').getByTestId('ceremony-result')).toContainText('refused');
  await expect(page.getByTestId('onboarding')).toBeVisible();
});

test('a recovery cancelled from alice’s surviving device is never signed, even once enough guardians approved', async ({ browser }) => {
  const alice = people.alice!;
  const { page, code, device } = await asker(browser, 'e2e-rec-mallory');
  await answer(people.bob!, code, device, true);
  await alice.getByTestId('review-recovery').click({ timeout: 60_000 });
  const recovery = alice.locator(`[data-testid="recovery"][data-device="${device}"]`);
  await expect(recovery).toHaveAttribute('data-state', 'PendingEpoch');
  await recovery.getByTestId('cancel-ceremony').click();
  await expect(recovery).toHaveAttribute('data-state', 'Aborted', { timeout: 30_000 });
  await closePanel(alice);
  // Bob holds the cancel (he tells the asking tab), so no two guardians can sign from here on.
  await expect(recoveringStep(page)).toHaveAttribute('data-state', 'Aborted', { timeout: 60_000 });
  await expect(page.getByTestId('recover-identity').getByTestId('ceremony-result')).toContainText('cancelled');
  // Carol approves too: two approvals of two needed, and past the 30 s waiting period still nobody signed.
  await answer(people.carol!, code, device, true);
  await page.waitForTimeout(40_000);
  await expect(page.getByTestId('onboarding')).toBeVisible();
});

test('alice’s profile is deleted; with carol offline the recovery waits at 1 of 2, then completes: the fresh tab is alice, with her contacts, group and history, and writes as alice; bob and carol see ◆', async ({ browser }) => {
  const [bob, carol] = [people.bob!, people.carol!];
  const alice = people.alice!;
  await alice.getByTestId('open-device-panel').click();
  await alice.getByTestId('delete-profile-start').click();
  await alice.getByTestId('delete-profile-confirm').click();
  // The tab moves to a fresh profile: alice's only one is gone from this browser.
  await expect(alice.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 });
  expect(new URL(alice.url()).searchParams.get('profile')).not.toBe('e2e-rec-alice');
  expect(await alice.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).not.toContain('aura-e2e-rec-alice');
  await alice.context().close();
  await carol.context().setOffline(true);
  const { page, code, device } = await asker(browser, 'e2e-rec-alice-new');
  await answer(bob, code, device, true);
  await expect(recoveringStep(page)).toHaveAttribute('data-state', 'PendingEpoch', { timeout: 60_000 });
  await expect(recoveringStep(page)).toContainText('(1 of 2)');
  await carol.context().setOffline(false);
  await answer(carol, code, device, true);

  await expect(page.getByTestId('new-channel-input')).toBeVisible({ timeout: 120_000 });
  const team = page.getByTestId('channel-item').filter({ hasText: 'team' }).first();
  await expect(team).toBeVisible({ timeout: 60_000 });
  await team.click();
  await expect(page.getByTestId('message').filter({ hasText: 'before the loss' })).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('open-contacts-panel').click();
  for (const name of ['bob', 'carol', 'dave']) await expect(page.getByTestId('contact-name').filter({ hasText: name })).toBeVisible({ timeout: 60_000 });
  await closePanel(page);
  await sendMessage(page, 'back as alice');
  await bob.getByTestId('channel-item').filter({ hasText: 'team' }).first().click();
  await expect(bob.getByTestId('message').filter({ hasText: 'back as alice' })).toBeVisible({ timeout: 60_000 });

  for (const g of [bob, carol]) {
    await g.getByTestId('open-contacts-panel').click();
    const recovery = g.locator(`[data-testid="recovery"][data-device="${device}"]`);
    await expect(recovery).toHaveAttribute('data-state', 'Committed', { timeout: 60_000 });
    await expect(recovery.getByTestId('recovery-finalized')).toContainText('◆ Finalized');
    await closePanel(g);
  }
});
