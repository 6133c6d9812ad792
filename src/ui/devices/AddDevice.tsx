import { useNode } from '../../node/hooks.ts';
import { CodeBox } from '../CodeBox.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { formatTime } from '../format.ts';
import { useCeremony } from '../use-ceremony.ts';
import { EnrollmentStepper } from './EnrollmentStepper.tsx';

/**
 * "Add a device" (DESIGN §2): starts the enrollment ceremony and shows its code until the other device uses
 * it, then the ceremony's progress; cancellable until the device is being added.
 */
export function AddDevice() {
  const node = useNode();
  const { ceremony, error, clearError, begin } = useCeremony((n) => n.devices.ceremonies());
  const running = ceremony !== undefined && ['Preparing', 'PendingEpoch'].includes(ceremony.state.type);

  return (
    <div className="add-device" data-testid="add-device-panel">
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      {!running ? (
        <button type="button" className="button" data-testid="add-device" onClick={() => begin(() => node.devices.addDevice())}>
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
          <EnrollmentStepper ceremony={ceremony} onCancel={running ? () => node.devices.cancel(ceremony.id) : null} />
        </>
      ) : null}
    </div>
  );
}
