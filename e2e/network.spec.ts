import '../relay/polyfill.ts';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { contextTopic } from '../src/core/crypto/context-keys.ts';
import { decodeJoinCode } from '../src/core/facts/join-code.ts';
import { startRelay, type RelayHandle } from '../relay/relay.ts';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';

/**
 * Three browser contexts are three devices of three authorities, connected through a real relay and then
 * directly over WebRTC. A fourth, non-member device watches the channel's topic.
 */
test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

let relay: RelayHandle;
let port: number;

test.beforeAll(async () => {
  relay = await startRelay({ port: 0 });
  port = relay.port;
});

test.afterAll(async () => {
  await relay?.stop();
});

const relayAddr = () => `/ip4/127.0.0.1/tcp/${port}/ws`;

async function device(browser: Browser, name: string, extra = ''): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/?profile=${name}&relay=${encodeURIComponent(relayAddr())}${extra}`);
  return page;
}

async function joinWith(page: Page, code: string, channel: string): Promise<void> {
  await page.getByTestId('join-code-input').fill(code);
  await page.getByTestId('join-channel').click();
  const item = page.getByTestId('channel-item').filter({ hasText: channel });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await item.click();
}

async function expectMessages(page: Page, texts: readonly string[]): Promise<void> {
  for (const t of texts) await expect(page.getByTestId('message-text').filter({ hasText: t })).toBeVisible({ timeout: 30_000 });
}

/** The peers this page is connected to, as its network panel lists them. */
async function peerRows(page: Page): Promise<{ transport: string | null; address: string }[]> {
  await page.getByTestId('net-status').click();
  const rows = page.getByTestId('peer-row');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    out.push({ transport: await rows.nth(i).getAttribute('data-transport'), address: (await rows.nth(i).getByTestId('peer-address').textContent()) ?? '' });
  }
  await page.keyboard.press('Escape');
  return out;
}

test('three devices share a channel over direct WebRTC; a non-member sees only sealed traffic; a relay restart loses nothing', async ({ browser }) => {
  const a = await device(browser, 'net-alice');
  await createIdentity(a, 'Alice');
  await createChannel(a, 'crew');
  await a.getByTestId('share-channel').click();
  const code = (await a.getByTestId('join-code').inputValue()).trim();
  expect(code).toMatch(/^aura-join:/);
  const topic = contextTopic(decodeJoinCode(code).secret);

  const b = await device(browser, 'net-bob');
  await createIdentity(b, 'Bob');
  const c = await device(browser, 'net-carol');
  await createIdentity(c, 'Carol');
  const d = await device(browser, 'net-dave', `&observe=${encodeURIComponent(topic)}`);
  await createIdentity(d, 'Dave');

  await joinWith(b, code, 'crew');
  await joinWith(c, code, 'crew');

  await sendMessage(a, 'alice: hello crew');
  await sendMessage(b, 'bob: hi alice');
  await sendMessage(c, 'carol: present');
  const all: string[] = ['alice: hello crew', 'bob: hi alice', 'carol: present'];
  for (const p of [a, b, c]) await expectMessages(p, all);

  // Members talk directly: every member sees the two others over WebRTC, not only through the relay.
  for (const p of [a, b, c]) {
    await expect
      .poll(async () => (await peerRows(p)).filter((r) => r.transport === 'webrtc' && r.address.includes('/webrtc')).length, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(2);
  }
  // Peers by name: the header and the network panel say who, not only which PeerId.
  // (Dave, who shares no channel with Alice, stays a short PeerId.)
  await expect(a.getByTestId('net-status')).toContainText(/peers \((?=.*Bob)(?=.*Carol)(?=.*12D3KooW)/, { timeout: 30_000 });
  await a.getByTestId('net-status').click();
  await expect(a.getByTestId('peer-row').getByTestId('peer-name').filter({ hasText: 'Bob' })).toHaveCount(1);
  await expect(a.getByTestId('peer-row').getByTestId('peer-name').filter({ hasText: 'Carol' })).toHaveCount(1);
  await a.keyboard.press('Escape');

  // Dave subscribed to the topic: payloads reach him, sealed; he never gets the plaintext or the channel.
  // (Members sync with him too, as with anyone on the topic; he cannot prove the secret, so they stop asking.)
  const observed = async () => Number(await d.getByTestId('net-status').getAttribute('data-observed'));
  for (let k = 0; (await observed()) === 0 && k < 10; k++) {
    await sendMessage(a, `alice: anyone listening? ${k}`);
    all.push(`alice: anyone listening? ${k}`);
    await d.waitForTimeout(2_000);
  }
  await expect.poll(observed, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(d.getByTestId('channel-item')).toHaveCount(0);
  for (const t of all) expect(await d.content()).not.toContain(t);

  // The relay goes away and comes back on the same port; what is sent meanwhile still arrives.
  await relay.stop();
  await sendMessage(a, 'alice: while the relay was down');
  relay = await startRelay({ port });
  await sendMessage(b, 'bob: after the relay came back');
  const later = [...all, 'alice: while the relay was down', 'bob: after the relay came back'];
  for (const p of [a, b, c]) await expectMessages(p, later);
  await expect(a.getByTestId('net-status')).toHaveAttribute('data-relay', 'connected', { timeout: 60_000 });
});
