import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/** Dark background of src/ui/app.css; the manifest, theme-color meta and icons use the same colour. */
const SHELL_COLOUR = '#1d2433';

export default defineConfig({
  plugins: [
    react(),
    // The service worker only precaches the app shell so it loads offline; the node (and its WebRTC)
    // always runs in the page, never in the worker (DESIGN.md §6).
    VitePWA({
      registerType: 'prompt',
      // 'auto': src/ui/UpdatePrompt.tsx registers the worker through virtual:pwa-register/react; the
      // plugin would inject a plain registration script only if nothing imported that module.
      injectRegister: 'auto',
      // globPatterns below already picks up public/ (icons, favicon) from dist; listing them again would
      // only duplicate precache entries.
      includeManifestIcons: false,
      manifest: {
        name: 'Aura Web',
        short_name: 'Aura',
        description: 'Peer-to-peer chat that runs in your browser.',
        theme_color: SHELL_COLOUR,
        background_color: SHELL_COLOUR,
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: 'pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          { src: 'maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The plugin adds manifest.webmanifest to the precache itself.
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        // Any navigation (a reload on /?profile=x while offline) is answered with the cached shell.
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // The libp2p bundle can exceed workbox's 2 MiB default, and a shell missing its main chunk
        // would not load offline.
        maximumFileSizeToCacheInBytes: 10 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  // No source maps in a build: anything in dist is public once deployed, and the dev server has its own.
  build: { target: 'es2022', sourcemap: false },
});
