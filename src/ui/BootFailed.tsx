interface Props {
  readonly error: { readonly code: string; readonly message: string };
}

/** What the person can do about a failed boot; codes come from the node and the browser's storage. */
const HINTS: Record<string, string> = {
  StorageQuotaExceeded:
    'The browser has no storage left for this site. Free some disk space or remove old profiles, then reload.',
  Blocked:
    'An older version of the app still holds this profile’s database open. Close other Aura tabs, then reload.',
  StorageFailed: 'The browser’s storage could not be opened. Private windows and some settings block it; reload to retry.',
  LoadFailed: 'The app’s code could not be downloaded: this tab is offline before the app was saved for offline use, or a new version replaced it. Reload once online.',
};

const DEFAULT_HINT = 'Reload the tab to try again. If it keeps failing, open a new device tab.';

export function BootFailed({ error }: Props) {
  return (
    <section className="boot-screen notice error" data-testid="boot-failed" role="alert" aria-labelledby="boot-failed-title">
      <h2 id="boot-failed-title">This profile could not be opened</h2>
      <p>
        <code data-testid="boot-error-code">{error.code}</code>: {error.message}
      </p>
      <p>{HINTS[error.code] ?? DEFAULT_HINT}</p>
      <button type="button" className="button" onClick={() => location.reload()}>
        Reload
      </button>
    </section>
  );
}
