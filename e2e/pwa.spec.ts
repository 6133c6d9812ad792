import { expect, test, type Page } from '@playwright/test';
import { createChannel, createIdentity, sendMessage } from './helpers.ts';

const isControlled = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller !== null);

/** Resolves once a service worker is active and controls this page (the first visit installs it). */
async function untilControlled(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active != null), {
      message: 'a service worker is registered and active',
      // Installing precaches the whole shell, which takes a while on a busy machine.
      timeout: 30_000,
    })
    .toBe(true);
  // registerType 'prompt' does not claim clients, so the page that installed the worker is not yet
  // controlled; the next navigation is.
  if (!(await isControlled(page))) await page.reload();
  await expect.poll(() => isControlled(page), { message: 'the service worker controls the page' }).toBe(true);
}

test('the app shell is installable and reloads offline from the service worker', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.locator('#root > *').first()).toBeVisible();
  await untilControlled(page);

  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestHref).toBeTruthy();
  const manifestResponse = await page.request.get(manifestHref!);
  expect(manifestResponse.ok()).toBe(true);
  const manifest = (await manifestResponse.json()) as {
    name: string;
    short_name: string;
    start_url: string;
    display: string;
    icons: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  expect(manifest).toMatchObject({ name: 'Aura Web', short_name: 'Aura', start_url: '/', display: 'standalone' });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) {
    const res = await page.request.get(new URL(icon.src, new URL(manifestHref!, page.url())).href);
    expect(res.ok(), icon.src).toBe(true);
    expect(res.headers()['content-type']).toBe('image/png');
    // A real PNG, not an HTML fallback page.
    expect([...(await res.body()).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  }

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.locator('#root > *').first()).toBeVisible();
    // A deep link with a profile is a navigation the worker answers with the cached shell too.
    await page.goto('/?profile=offline-check');
    await expect(page.locator('#root > *').first()).toBeVisible();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  } finally {
    await context.setOffline(false);
  }
});

test('after one load, an offline reload shows the journal with its statuses', async ({ page, context }) => {
  await page.goto('/?profile=e2e-offline');
  await createIdentity(page, 'Offline Olga');
  await createChannel(page, 'field-notes');
  await sendMessage(page, 'written before going offline');
  await untilControlled(page);

  await context.setOffline(true);
  try {
    await page.reload();
    await page.getByTestId('channel-item').filter({ hasText: 'field-notes' }).click();
    const message = page.getByTestId('message').filter({ hasText: 'written before going offline' });
    await expect(message).toBeVisible();
    await expect(message.getByTestId('status-indicator')).toHaveAttribute('data-status', 'Sending');
    // Writing offline works too: it is a local commit.
    await sendMessage(page, 'written while offline');
    await page.reload();
    await page.getByTestId('channel-item').filter({ hasText: 'field-notes' }).click();
    await expect(page.getByTestId('message')).toHaveCount(2);
    // The panels are chunks of their own, loaded on first open: precached too, so they open offline.
    await page.getByTestId('open-device-panel').click();
    await expect(page.getByTestId('device-id')).not.toBeEmpty();
    await page.keyboard.press('Escape');
    await page.getByTestId('net-status').click();
    await expect(page.getByTestId('network-panel')).toBeVisible();
    await page.keyboard.press('Escape');
    await message.getByTestId('status-indicator').click();
    await expect(page.getByTestId('status-agreement')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});

test('the shipped JavaScript carries no source maps, and none are precached', async ({ page }) => {
  const sw = await (await page.request.get('/sw.js')).text();
  const precached = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]!);
  expect(precached.filter((u) => u.endsWith('.map'))).toEqual([]);
  // The worker's own runtime (workbox-<hash>.js) is loaded by sw.js, not precached.
  const runtime = [...sw.matchAll(/"\.\/(workbox-[\w-]+)"/g)].map((m) => `${m[1]}.js`);
  const scripts = ['sw.js', ...runtime, ...precached.filter((u) => u.endsWith('.js'))];
  expect(scripts.length).toBeGreaterThan(2);
  for (const url of scripts) {
    expect((await (await page.request.get(`/${url}`)).text()).includes('sourceMappingURL'), `${url} names a map`).toBe(false);
    // The preview server answers unknown paths with the shell, so "no map" is: not a 200 with a map's JSON.
    const map = await page.request.get(`/${url}.map`);
    expect(map.ok() && (await map.text()).includes('"mappings"'), `${url}.map`).toBe(false);
  }
});
