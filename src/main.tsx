import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { deferredBooter } from './node/deferred-boot.ts';
import { resolveProfile } from './node/profile.ts';
import { loadApp } from './ui/load-app.ts';
import { Root } from './ui/Root.tsx';
import './ui/app.css';

// This entry chunk holds only React and the shell (header, boot screens): it paints first. The node's code
// (libp2p, the crypto, the store) and the ready app's views are separate chunks, fetched together after that.
const profile = resolveProfile(new URL(location.href), sessionStorage);
// Booted once per page load, outside React, so StrictMode's double effects never start a second node. The
// ready app's chunk loads beside the node's, so a failure to fetch either is a boot failure the shell shows.
const booter = deferredBooter(profile, async () => {
  const [{ startBoot }] = await Promise.all([import('./node/boot.ts'), loadApp()]);
  return startBoot(profile);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root booter={booter} />
  </StrictMode>,
);

// After the frame that paints the shell (a rAF callback runs just before a paint, a task queued from it just
// after), so evaluating the node's code never delays it. A hidden tab gets no frames: the timer boots it.
requestAnimationFrame(() => setTimeout(booter.start));
setTimeout(booter.start, 250);
