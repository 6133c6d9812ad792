import { useState } from 'react';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { CodeBox } from '../CodeBox.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { formatTime } from '../format.ts';
import { CeremonyStepper } from './CeremonyStepper.tsx';

/**
 * "Add a device" (DESIGN §2): starts the enrollment ceremony and shows its code until the other device uses
 * it, then the ceremony's progress; cancellable until the device is being added.
 */
export function AddDevice() {
  const node = useNode();
  const [id, setId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ceremony = useNodeQuery((n) => (id === null ? undefined : n.devices.ceremonies().find((c) => c.id === id)), [id]);
  const running = ceremony !== undefined && ['Preparing', 'PendingEpoch'].includes(ceremony.state.type);

  function start() {
    setError(null);
    try {
      setId(node.devices.addDevice().id);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="add-device" data-testid="add-device-panel">
      {error !== null ? <ErrorAlert error={error} onDismiss={() => setError(null)} /> : null}
      {!running ? (
        <button type="button" className="button" data-testid="add-device" onClick={start}>
          Add a device
        </button>
      ) : null}
      {ceremony !== undefined ? (
        <>
          {ceremony.code !== null ? (
            <CodeBox
              code={ceremony.code}
              label="Enrollment code"
              hint={`On the new device choose “This is another device of mine” and enter this code. It works once, until ${formatTime(ceremony.expires)}; whoever has it can join your account, so share it only with yourself.`}
              testId="enroll-code"
              copyTestId="copy-enroll-code"
            />
          ) : null}
          <CeremonyStepper ceremony={ceremony} />
          {running ? (
            <button type="button" className="button" data-testid="cancel-ceremony" onClick={() => node.devices.cancel(ceremony.id)}>
              Cancel
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
