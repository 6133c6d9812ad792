import { useId, useState } from 'react';
import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';
import { deviceFingerprint } from './CeremonyStepper.tsx';

const CHANGE_TEXT = {
  KeyGeneration: 'Generating the group key with every device (DKG)…',
  Committing: 'Key ready: recording the new policy…',
  Committed: 'Committed.',
  Aborted: 'Stopped',
} as const;

/**
 * The threshold policy (DESIGN §2): how many of this account's devices must sign a change of the account.
 * t ≥ 2 runs a DKG among all devices; from then on every tree op waits (PendingEpoch) for t signatures.
 */
export function ThresholdControl({ threshold, deviceCount }: { readonly threshold: number; readonly deviceCount: number }) {
  const selectId = useId();
  const [wanted, setWanted] = useState(threshold);
  const node = useNode();
  const change = useNodeQuery((n) => n.threshold.policyChange());
  const pending = useNodeQuery((n) => n.threshold.pendingOps());
  const { pending: busy, error, clearError, run } = useAction((t: number) => node.threshold.setThreshold(t));
  const options = Array.from({ length: deviceCount }, (_, i) => i + 1);
  return (
    <div className="threshold-control" data-testid="threshold-control">
      {deviceCount > 1 ? (
        <div className="share-actions">
          <label htmlFor={selectId}>Devices that must approve account changes</label>
          <select id={selectId} className="input" data-testid="threshold-select" value={wanted} onChange={(e) => setWanted(Number(e.target.value))}>
            {options.map((t) => (
              <option key={t} value={t}>
                {t} of {deviceCount}
              </option>
            ))}
          </select>
          <button type="button" className="button" data-testid="set-threshold" disabled={busy || wanted === threshold} onClick={() => void run(wanted)}>
            Set threshold
          </button>
        </div>
      ) : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
      {change !== null ? (
        <p className="hint" role="status" data-testid="policy-change" data-state={change.state}>
          {change.threshold} of {change.participants.length}: {CHANGE_TEXT[change.state]}
          {change.reason !== null ? ` — ${change.reason}` : ''}
        </p>
      ) : null}
      {pending.length > 0 ? (
        <ul className="ceremony-list" aria-label="Account changes waiting for approval">
          {pending.map((p) => (
            <li key={p.id} data-testid="pending-op" data-state="PendingEpoch">
              {p.op.type}
              {'device' in p.op ? ` ${deviceFingerprint(p.op.device)}` : ''}
              {'threshold' in p.op ? ` to ${p.op.threshold}` : ''} — waiting for {threshold} of {deviceCount} devices to sign (PendingEpoch)
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
