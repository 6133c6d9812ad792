import { useNodeQuery } from '../node/hooks.ts';
import { AddDevice } from './devices/AddDevice.tsx';
import { Ceremonies } from './devices/Ceremonies.tsx';
import { ThresholdControl } from './devices/ThresholdControl.tsx';

/**
 * This authority as its commitment tree says (spec 003): the TreeStateSummary and the devices, this one marked.
 * Read from reduced state only; a device appears here once its AddLeaf is in the journal.
 */
export function AccountSection() {
  const account = useNodeQuery((n) => n.account());
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
      <ul className="account-devices" aria-label="Devices of this account">
        {devices.map((d) => (
          <li key={d.deviceId} data-testid="account-device" data-this-device={d.thisDevice ? 'true' : 'false'}>
            <span className="id">{d.deviceId}</span>
            {d.role === 'guardian' ? ' (guardian)' : ''}
            {d.thisDevice ? <strong> — this device</strong> : null}
          </li>
        ))}
      </ul>
      <ThresholdControl threshold={summary.threshold} deviceCount={summary.deviceCount} />
      <AddDevice />
      <Ceremonies />
    </section>
  );
}
