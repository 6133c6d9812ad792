import { useNodeQuery } from '../node/hooks.ts';
import { AddDevice } from './devices/AddDevice.tsx';
import { DeviceList } from './devices/DeviceList.tsx';
import { Ceremonies } from './devices/Ceremonies.tsx';
import { ThresholdControl } from './devices/ThresholdControl.tsx';
import { GuardiansSection } from './guardians/GuardiansSection.tsx';

const ENROLLMENT_ROLES = { initiator: 'Adding a device', joiner: 'Joining as a device' } as const;

/**
 * This authority as its commitment tree says (spec 003): the TreeStateSummary and the devices, this one marked.
 * Read from reduced state only; a device appears here once its AddLeaf is in the journal.
 */
export function AccountSection() {
  const account = useNodeQuery((n) => n.account());
  const ceremonies = useNodeQuery((n) => n.devices.ceremonies());
  if (account === null) return null;
  const { summary, devices } = account;
  return (
    <section aria-labelledby="account-heading" data-testid="account-section">
      <h3 id="account-heading">Account</h3>
      <dl className="device-facts">
        <dt>Threshold</dt>
        <dd data-testid="account-threshold">
          {summary.threshold} of {summary.deviceCount} device{summary.deviceCount === 1 ? '' : 's'}
        </dd>
        <dt>Epoch</dt>
        <dd data-testid="account-epoch">{summary.epoch}</dd>
        <dt>Commitment</dt>
        <dd className="id" data-testid="account-commitment">
          {summary.commitment}
        </dd>
      </dl>
      {account.thisDeviceRemoved ? (
        <p role="alert" className="alert" data-testid="device-removed">
          This device was removed from the account on another device. It keeps what it has, but it can no longer write.
        </p>
      ) : null}
      <DeviceList devices={devices} />
      <ThresholdControl threshold={summary.threshold} deviceCount={summary.deviceCount} />
      <AddDevice />
      <Ceremonies ceremonies={ceremonies} roles={ENROLLMENT_ROLES} />
      <GuardiansSection />
    </section>
  );
}
