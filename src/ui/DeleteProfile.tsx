import { useState } from 'react';
import { deleteProfileDatabase } from '../node/profile.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { newDeviceTabUrl, newProfileName } from './new-profile-name.ts';

/**
 * Device info → "Delete this profile": this device forgets everything (a lost or wiped device, or a shared
 * computer left behind). Asked twice; afterwards the tab opens a fresh profile with every other option kept.
 */
export function DeleteProfile() {
  const node = useNode();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function remove() {
    setError(null);
    try {
      await node.close();
      await deleteProfileDatabase(node.profile);
      location.replace(newDeviceTabUrl(location.href, newProfileName()));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-label="Delete this profile" data-testid="delete-profile">
      {!asking ? (
        <button type="button" className="button" data-testid="delete-profile-start" onClick={() => setAsking(true)}>
          Delete this profile…
        </button>
      ) : (
        <div className="alert" role="alert">
          <p className="alert-text">
            This device forgets its key, its messages and its contacts. Without another device or guardians, the identity is gone for good.
          </p>
          <div className="share-actions">
            <button type="button" className="button" data-testid="delete-profile-confirm" onClick={() => void remove()}>
              Delete
            </button>
            <button type="button" className="button" onClick={() => setAsking(false)}>
              Keep it
            </button>
          </div>
        </div>
      )}
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
