import { useState } from 'react';
import { compareVersions, formatVersion } from '../../core/version.ts';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { CeremonyStepper, deviceFingerprint, type StepLabels } from '../devices/CeremonyStepper.tsx';

const STEPS: StepLabels = { Preparing: 'Proposed', PendingEpoch: 'Devices attest', Committing: 'Committing', Committed: 'Activated' };

/**
 * Maintenance → Upgrades: the version this device runs and the account requires, each activation as a
 * ceremony with its fence, the versions peers advertised, and — on a device that runs a newer version —
 * activating it from the next identity epoch (and moving the epoch on).
 */
export function UpgradesSection() {
  const node = useNode();
  const view = useNodeQuery((n) => n.upgrades.view());
  const [error, setError] = useState<string | null>(null);
  if (view === null) return null;
  const run = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  // Only a device that runs a version newer than every activation may propose it (its node checks too).
  const canActivate = !view.outdated && view.activations.every((a) => compareVersions(a.toVersion, view.version) < 0);
  return (
    <section aria-labelledby="maintenance-upgrades-title">
      <h3 id="maintenance-upgrades-title">Upgrades</h3>
      <dl className="device-facts">
        <dt>This device runs</dt>
        <dd data-testid="upgrade-version">{formatVersion(view.version)}</dd>
        <dt>Account requires</dt>
        <dd data-testid="upgrade-required">{view.required === null ? 'no upgrade active' : formatVersion(view.required)}</dd>
        <dt>Identity epoch</dt>
        <dd data-testid="upgrade-epoch">{view.epoch}</dd>
      </dl>
      {view.activations.map((a) => (
        <div key={a.id} data-testid="upgrade-activation" data-fence={a.activationFence}>
          <p>
            {formatVersion(a.toVersion)} from epoch {a.activationFence} {a.activationFence <= view.epoch ? '(in force)' : '(pending: before the fence nothing changes)'}
          </p>
          <CeremonyStepper ceremony={{ id: a.id, peer: null, state: a.state }} steps={STEPS} committed={`Every device must run ${formatVersion(a.toVersion)} from epoch ${a.activationFence}.`} />
        </div>
      ))}
      <h4>Versions peers advertised</h4>
      {view.peers.length === 0 ? (
        <p className="hint">No session yet.</p>
      ) : (
        <ul data-testid="upgrade-peers">
          {view.peers.map((p) => (
            <li key={p.device} data-testid="upgrade-peer" data-device={p.device}>
              {deviceFingerprint(p.device)}: {formatVersion(p.version)}
            </li>
          ))}
        </ul>
      )}
      {canActivate ? (
        <button type="button" className="button" data-testid="activate-upgrade" onClick={() => run(() => node.upgrades.activate(view.version))}>
          Activate {formatVersion(view.version)} from epoch {view.epoch + 1}
        </button>
      ) : null}{' '}
      <button type="button" className="button" data-testid="rotate-epoch" onClick={() => run(() => node.upgrades.rotateEpoch())}>
        Start a new epoch
      </button>
      {error !== null ? (
        <p role="alert" className="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
