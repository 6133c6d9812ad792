import { useEffect, type JSX } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import './update-prompt.css';

/** The offline-ready note is news only once; it hides itself after this long. */
const OFFLINE_NOTE_MS = 8_000;

/**
 * Service-worker status: offers the waiting new version (registerType 'prompt' never swaps code under a
 * running node by itself) and says once when the shell is cached for offline use.
 */
export function UpdatePrompt(): JSX.Element | null {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW();

  useEffect(() => {
    if (!offlineReady) return;
    const timer = setTimeout(() => setOfflineReady(false), OFFLINE_NOTE_MS);
    return () => clearTimeout(timer);
  }, [offlineReady, setOfflineReady]);

  if (needRefresh) {
    return (
      <div className="update-prompt" role="status" data-testid="update-prompt">
        <span>A new version of Aura Web is available</span>
        <button type="button" onClick={() => void updateServiceWorker(true)}>
          Reload
        </button>
        <button type="button" onClick={() => setNeedRefresh(false)}>
          Later
        </button>
      </div>
    );
  }
  if (offlineReady) {
    return (
      <div className="update-prompt" role="status" data-testid="update-prompt">
        <span>Ready to work offline</span>
        <button type="button" onClick={() => setOfflineReady(false)}>
          Dismiss
        </button>
      </div>
    );
  }
  return null;
}
