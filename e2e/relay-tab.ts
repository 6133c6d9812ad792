import '../relay/polyfill.ts';
import { test, type Browser, type Page } from '@playwright/test';
import { startRelay, type RelayHandle } from '../relay/relay.ts';

/** A real relay for this spec file's tests, and a tab on `profile` in its own browser context using it. */
export function relayTabs(): (browser: Browser, profile: string) => Promise<Page> {
  let relay: RelayHandle;
  test.beforeAll(async () => {
    relay = await startRelay({ port: 0 });
  });
  test.afterAll(async () => {
    await relay?.stop();
  });
  return async (browser, profile) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`/?profile=${profile}&relay=${encodeURIComponent(`/ip4/127.0.0.1/tcp/${relay.port}/ws`)}`);
    return page;
  };
}
