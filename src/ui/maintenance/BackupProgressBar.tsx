import type { BackupProgress } from '../../node/api-maintenance.ts';
import { phaseText } from './backup-file.ts';

/** The progress of a backup or restore: a labelled <progress> and its phase in words. */
export function BackupProgressBar({ progress, testId, label }: { readonly progress: BackupProgress; readonly testId: string; readonly label: string }) {
  return (
    <div role="status">
      <progress data-testid={testId} aria-label={label} max={1} value={progress.fraction} />
      <span className="hint"> {phaseText(progress)}</span>
    </div>
  );
}
