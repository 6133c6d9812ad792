import { measureFrost } from './frost-measure.ts';

/** The FROST step costs inside Chromium, on the page's main thread (bench/consensus/browser.ts opens it). */
try {
  measureFrost('chromium', Number(new URLSearchParams(location.search).get('rounds') ?? 9), (n) => crypto.getRandomValues(new Uint8Array(n)));
  document.body.dataset.state = 'done';
} catch (e) {
  console.error(e);
  document.body.dataset.state = 'failed';
}
