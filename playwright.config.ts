import { createHash } from 'node:crypto';
import { defineConfig } from '@playwright/test';

/** e2e runs in Debian's Chromium (never a downloaded browser) against the built app served locally. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The e2e server's port is this checkout's own (derived from its path, or AURA_E2E_PORT), and it builds into its
 * own folder: two checkouts testing at once never meet, and a server this run did not start is never reused
 * (Playwright refuses to start when the port already answers).
 */
const PORT = Number(process.env.AURA_E2E_PORT) || 20_000 + (createHash('sha256').update(process.cwd()).digest().readUInt16BE(0) % 10_000);
const OUT = 'dist-e2e';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  // Web-first assertions poll for evidence; on a loaded 2-core machine a write or a render can take over 5 s.
  expect: { timeout: 15_000 },
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    // A test build may dial the local relay over ws:// on loopback; production builds may not.
    command: `npx tsc -b && VITE_AURA_ALLOW_LOCAL=1 npx vite build --outDir ${OUT} && npx vite preview --host 127.0.0.1 --outDir ${OUT} --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    // tsc and the build took over 3 minutes at load 16–29.
    timeout: 600_000,
  },
});
