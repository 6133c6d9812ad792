/** What the browser transport does when the page's network or visibility changes. */
export interface PageReactions {
  /** The browser went offline, or online again. */
  offline(on: boolean): void;
  /** The tab became visible: a moment to reconnect at once rather than wait out a backoff. */
  visible(): void;
  /** The page is going away: close links now, so peers notice at once rather than by a timeout. */
  hide(): void;
}

/** Wires the page's events to the transport (nothing outside a browser). */
export function watchPage(r: PageReactions): void {
  if (typeof window === 'undefined') return;
  window.addEventListener('offline', () => r.offline(true));
  window.addEventListener('online', () => r.offline(false));
  window.addEventListener('pagehide', () => r.hide());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') r.visible();
  });
}

/** A hidden tab may back off long; a visible one is being looked at and retries often. */
export function pageHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}
