import { useNode, useNodeQuery } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';
import { RecoveryStatusView } from './RecoveryStatusView.tsx';

/**
 * On every device of this identity still alive (DESIGN §7 safety): a recovery guardians have answered shows
 * here, loud, with Cancel while it has not been signed — a phishing attempt or guardians colluding are seen
 * by the real owner, who stops them during the waiting period.
 */
export function RecoveryAlerts() {
  const node = useNode();
  const alerts = useNodeQuery((n) => (n.identity() === null ? [] : n.guardians.alerts()));
  const cancel = useAction((device: string) => node.guardians.cancelRecovery(device));
  const open = alerts.filter((a) => a.status.state.type === 'PendingEpoch' || a.status.state.type === 'Committing');
  if (alerts.length === 0) return null;
  return (
    <section className="recovery-alerts" aria-label="Recovery requests" data-testid="recovery-alerts">
      {open.length > 0 ? (
        <p role="alert" className="alert" data-testid="recovery-alert">
          Someone asks your guardians to make a new device yours. If that is not you, cancel it now.
        </p>
      ) : null}
      {cancel.error !== null ? <ErrorAlert error={cancel.error} onDismiss={cancel.clearError} /> : null}
      {alerts.map((a) => (
        <RecoveryStatusView key={a.device} recovery={a} onCancel={open.includes(a) && !cancel.pending ? () => void cancel.run(a.device) : null} />
      ))}
    </section>
  );
}
