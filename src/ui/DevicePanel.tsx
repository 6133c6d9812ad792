import { useEffect, useState } from 'react';
import type { DeviceInfo } from '../node/api.ts';
import { useNode, useNodeQuery } from '../node/hooks.ts';
import { AccountSection } from './AccountSection.tsx';
import { DeleteProfile } from './DeleteProfile.tsx';
import { DisplayNameForm } from './DisplayNameForm.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { formatStorage } from './format.ts';
import { ModalPanel } from './ModalPanel.tsx';
import { useOwnName } from './use-own-name.ts';

/** This device as the node sees it, in a modal <dialog> (Escape closes it, focus returns to the opener). */
export function DevicePanel({ onClose }: { readonly onClose: () => void }) {
  const node = useNode();
  const version = useNodeQuery((n) => n.version);
  const name = useOwnName();
  const [info, setInfo] = useState<DeviceInfo | null>(null);
  const [error, setError] = useState<unknown>(null);

  // deviceInfo() is async (storage estimate); refresh on every node change, ignoring answers that arrive late.
  useEffect(() => {
    let current = true;
    node.deviceInfo().then(
      (i) => {
        if (current) {
          setInfo(i);
          setError(null);
        }
      },
      (err: unknown) => {
        if (current) setError(err);
      },
    );
    return () => {
      current = false;
    };
  }, [node, version]);

  return (
    <ModalPanel testId="device-panel" title="This device" onClose={onClose}>
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
      {info === null ? (
        <p role="status">Loading…</p>
      ) : (
        <dl className="device-facts">
          <dt>Profile</dt>
          <dd data-testid="device-profile">{info.profile}</dd>
          <dt>Device id</dt>
          <dd className="id" data-testid="device-id">
            {info.deviceId}
          </dd>
          <dt>Authority id</dt>
          <dd className="id" data-testid="authority-id">
            {info.authorityId ?? 'no identity yet'}
          </dd>
          <dt>Display name</dt>
          <dd data-testid="device-display-name" dir="auto">{name ?? '—'}</dd>
          <dt>Facts stored</dt>
          <dd data-testid="fact-count">{info.factCount}</dd>
          <dt>Storage</dt>
          <dd data-testid="storage-estimate">
            {info.storage === null ? 'not reported by this browser' : formatStorage(info.storage.usage, info.storage.quota)}
          </dd>
        </dl>
      )}
      <DisplayNameForm />
      <AccountSection />
      <DeleteProfile />
    </ModalPanel>
  );
}
