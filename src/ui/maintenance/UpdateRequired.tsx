import { formatVersion } from '../../core/version.ts';
import { useNodeQuery } from '../../node/hooks.ts';

/** Asks the service worker to look for a newer build now; a waiting one is then offered by `UpdatePrompt`. */
function checkForUpdate(): void {
  void navigator.serviceWorker?.getRegistration().then((r) => r?.update());
}

/**
 * Shown on every screen once this device runs below what its account requires (an upgrade past its
 * fence): it runs no sessions until updated, so it says so plainly and offers the PWA update.
 */
export function UpdateRequired() {
  const view = useNodeQuery((n) => n.upgrades.view());
  if (view === null || !view.outdated || view.required === null) return null;
  return (
    <div role="alert" className="alert" data-testid="update-required">
      <strong>Update required</strong> — this device runs {formatVersion(view.version)}, your account now requires {formatVersion(view.required)}. It does not sync
      with your other devices until it is updated.{' '}
      <button type="button" className="button" data-testid="check-for-update" onClick={checkForUpdate}>
        Check for update
      </button>
    </div>
  );
}
