import type { AccountDevice } from '../../node/account/account-module.ts';
import { useNode } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';

/**
 * The account's devices from its commitment tree, this one marked; any other can be removed (RemoveLeaf:
 * from then on every context refuses what it writes).
 */
export function DeviceList({ devices }: { readonly devices: readonly AccountDevice[] }) {
  const node = useNode();
  const { pending, error, clearError, run } = useAction((device: string) => node.devices.removeDevice(device));
  return (
    <>
      <ul className="account-devices" aria-label="Devices of this account">
        {devices.map((d) => (
          <li key={d.deviceId} data-testid="account-device" data-this-device={d.thisDevice ? 'true' : 'false'}>
            <span className="id">{d.deviceId}</span>
            {d.role === 'guardian' ? ' (guardian)' : ''}
            {d.thisDevice ? <strong> — this device</strong> : null}
            {!d.thisDevice && d.role === 'device' ? (
              <button type="button" className="button" data-testid="remove-device" disabled={pending} onClick={() => void run(d.deviceId)}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </>
  );
}
