import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { deferredBooter } from './node/deferred-boot.ts';
import { resolveProfile } from './node/profile.ts';
import { Root, type AppView } from './ui/Root.tsx';
import './ui/app.css';

// This entry chunk holds only React and the shell (header, boot screens): it paints first. The node's code
// (libp2p, the crypto, the store) and the ready app's views are chunks of their own, fetched together after that.
const profile = resolveProfile(new URL(location.href), sessionStorage);
const root = createRoot(document.getElementById('root')!);
const render = (app: AppView | null) =>
  root.render(
    <StrictMode>
      <Root booter={booter} app={app} />
    </StrictMode>,
  );

// Booted once per page load, outside React, so StrictMode's double effects never start a second node. The app's
// views are handed to Root before the node can be ready: a lazy component would show the starting screen again
// and React would hold the app back for its fallback throttle (300 ms). A failure to fetch either chunk is a
// boot failure the shell shows.
const booter = deferredBooter(profile, async () => {
  const [{ startBoot }, { App }] = await Promise.all([import('./node/boot.ts'), import('./ui/App.tsx')]);
  render(App);
  return startBoot(profile);
});
render(null);

// Once the shell has painted (its first contentful paint), so fetching and evaluating the node's code never holds
// that paint up. A hidden tab paints nothing until shown: the timer boots it anyway.
const painted = new PerformanceObserver((entries) => {
  if (entries.getEntriesByName('first-contentful-paint').length === 0) return;
  painted.disconnect();
  booter.start();
});
painted.observe({ type: 'paint', buffered: true });
setTimeout(booter.start, 500);
