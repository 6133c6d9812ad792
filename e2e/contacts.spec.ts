import { expect, test, type Page } from '@playwright/test';
import { relayTabs } from './relay-tab.ts';
import { createIdentity, deviceId, sendMessage } from './helpers.ts';

/**
 * Two people, each in a tab of its own browser context, meet through a real relay and become contacts by
 * invitation (DESIGN §7, §11): the inviter shows a code, the invitee enters it, sees who invites, answers.
 */
test.setTimeout(180_000);

const tab = relayTabs();

/** Two fresh people, each with an identity, the contacts panel open. */
async function twoPeople(browser: Parameters<typeof tab>[0], names: readonly [string, string]): Promise<[Page, Page]> {
  const pages: Page[] = [];
  for (const name of names) {
    const page = await tab(browser, `e2e-contacts-${name.toLowerCase()}`);
    await createIdentity(page, name);
    pages.push(page);
  }
  return [pages[0]!, pages[1]!];
}

async function openContacts(page: Page): Promise<void> {
  await page.getByTestId('open-contacts-panel').click();
  await expect(page.getByTestId('contacts-panel')).toBeVisible();
}

/** How the stepper and contact list show a device: the last 8 characters of its id, upper case, in two groups. */
const shownDevice = (id: string) => id.slice(-8).toUpperCase().replace(/(.{4})/, '$1 ');

/** Starts an invitation on `inviter` and enters its code on `invitee`, up to the question being shown; returns the code. */
async function invite(inviter: Page, invitee: Page): Promise<string> {
  const stepper = inviter.getByTestId('invite-contact-panel').getByTestId('ceremony');
  const before = (await stepper.count()) > 0 ? await stepper.getAttribute('data-ceremony') : null;
  await inviter.getByTestId('invite-contact').click();
  // A new ceremony (not the one a previous click started) before its code is read.
  await expect(stepper).not.toHaveAttribute('data-ceremony', before ?? '');
  const code = (await inviter.getByTestId('invite-code').inputValue()).trim();
  expect(code).toMatch(/^aura-rdv:/);
  // A first code takes focus (selected, ready to copy); a newer one replaces it in place.
  if (before === null) await expect(inviter.getByTestId('invite-code')).toBeFocused();
  await expect(stepper).toHaveAttribute('data-state', 'Preparing');
  await invitee.getByTestId('contact-code-input').fill(code);
  await invitee.getByTestId('contact-code-submit').click();
  await expect(invitee.getByTestId('invitation-offer')).toBeVisible({ timeout: 60_000 });
  // The question takes focus, so the answer is one Tab away and the code's Enter cannot answer it.
  await expect(invitee.getByTestId('invitation-offer').getByRole('heading')).toBeFocused();
  return code;
}

test('accepted: both commit, list each other with the same fingerprint, and talk in their channel', async ({ browser }) => {
  const [ana, ben] = await twoPeople(browser, ['Ana', 'Ben']);
  const [anaDevice, benDevice] = [await deviceId(ana), await deviceId(ben)];
  await openContacts(ana);
  await openContacts(ben);
  await expect(ana.getByTestId('no-contacts')).toBeVisible();

  await invite(ana, ben);
  await expect(ben.getByTestId('invitation-from')).toHaveText('Ana');
  const fingerprint = (await ben.getByTestId('invitation-fingerprint').textContent())!.trim();
  expect(fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);
  await expect(ana.getByTestId('invite-deciding')).toBeVisible({ timeout: 30_000 });
  // Answered from the keyboard: the question has focus, Accept is the next stop.
  await ben.keyboard.press('Tab');
  await expect(ben.getByTestId('accept-invitation')).toBeFocused();
  await ben.keyboard.press('Enter');

  const steppers = [ana.getByTestId('invite-contact-panel').getByTestId('ceremony'), ben.getByTestId('contact-code-panel').getByTestId('ceremony')];
  for (const s of steppers) await expect(s).toHaveAttribute('data-state', 'Committed', { timeout: 60_000 });
  await expect(ana.getByTestId('invite-contact-panel').getByTestId('ceremony-peer')).toHaveText(shownDevice(benDevice));
  await expect(ben.getByTestId('contact-code-panel').getByTestId('ceremony-peer')).toHaveText(shownDevice(anaDevice));

  // Each lists the other, with the fingerprint the invitee was shown, and the other's device.
  for (const [page, name, device] of [[ana, 'Ben', benDevice], [ben, 'Ana', anaDevice]] as const) {
    const contact = page.getByTestId('contact');
    await expect(contact).toHaveCount(1);
    await expect(contact.getByTestId('contact-name')).toHaveText(name);
    await expect(contact.getByTestId('contact-fingerprint')).toHaveText(fingerprint);
    await expect(contact.getByTestId('contact-devices')).toHaveText(shownDevice(device), { timeout: 30_000 });
  }

  // A petname is this device's own: it replaces the name here only, and saving it empty removes it.
  // Controls are named for the contact they belong to.
  await ana.getByLabel('Your name for Ben (only on this device)').fill('Benny');
  await ana.getByTestId('save-petname').click();
  await expect(ana.getByTestId('contact-name')).toHaveText('Benny');
  await expect(ana.getByTestId('contact-display-name')).toHaveText('Ben');
  await expect(ben.getByTestId('contact-name')).toHaveText('Ana');
  await ana.getByTestId('contact-petname-input').fill('');
  await ana.getByTestId('save-petname').click();
  await expect(ana.getByTestId('contact-name')).toHaveText('Ben');

  // The shared channel opens from the contact, and a message sent in it arrives.
  await ben.getByTestId('open-contact-channel').click({ timeout: 30_000 });
  await expect(ben.getByTestId('contacts-panel')).toBeHidden();
  // Ready to write in it: the channel's composer has focus.
  await expect(ben.getByTestId('composer-input')).toBeFocused();
  await sendMessage(ben, 'hello Ana, from our channel');
  await ana.getByRole('button', { name: 'Open your channel with Ben' }).click({ timeout: 30_000 });
  await expect(ana.getByTestId('contacts-panel')).toBeHidden();
  await expect(ana.getByTestId('message-text').filter({ hasText: 'hello Ana, from our channel' })).toBeVisible({ timeout: 30_000 });
  await expect(ana.getByTestId('message').filter({ hasText: 'hello Ana, from our channel' }).getByTestId('message-author')).toHaveText('Ben');
});

test('declined: the inviter sees Aborted (declined), and neither has a contact or a channel', async ({ browser }) => {
  const [cy, di] = await twoPeople(browser, ['Cy', 'Di']);
  await openContacts(cy);
  await openContacts(di);

  // A code that is not one is refused, typed, where it was entered.
  await di.getByTestId('contact-code-input').fill('aura-rdv:not-a-code');
  await di.getByTestId('contact-code-submit').click();
  await expect(di.getByTestId('contact-code-panel').getByTestId('error-alert')).toHaveAttribute('data-code', 'InvalidCode');

  // A newer code supersedes the first; the first stays listed as such.
  await cy.getByTestId('invite-contact').click();
  const first = await cy.getByTestId('invite-code').inputValue();
  expect(await invite(cy, di)).not.toBe(first);
  // Met: the code is gone from the screen (it can no longer be used).
  await expect(cy.getByTestId('invite-code')).toHaveCount(0);
  await expect(cy.getByTestId('ceremony-item').filter({ hasText: 'Superseded' })).toHaveCount(1);

  // The panel is only a view: closed and reopened, it shows the invitation still running.
  await cy.keyboard.press('Escape');
  await expect(cy.getByTestId('contacts-panel')).toBeHidden();
  await openContacts(cy);
  await expect(cy.getByTestId('invite-contact-panel').getByTestId('ceremony')).toHaveAttribute('data-state', 'PendingEpoch');

  await di.getByTestId('decline-invitation').click();
  await expect(di.getByTestId('contact-code-panel').getByTestId('ceremony')).toHaveAttribute('data-state', 'Aborted');
  const inviter = cy.getByTestId('invite-contact-panel');
  await expect(inviter.getByTestId('ceremony')).toHaveAttribute('data-state', 'Aborted', { timeout: 60_000 });
  await expect(inviter.getByTestId('ceremony-result')).toHaveText('Stopped: declined.');

  for (const page of [cy, di]) {
    await expect(page.getByTestId('no-contacts')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('contacts-panel')).toBeHidden();
    await expect(page.getByTestId('channel-item')).toHaveCount(0);
  }
});
