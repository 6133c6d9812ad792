import { useId, useState, type FormEvent } from 'react';
import type { BackupProgress } from '../node/api-maintenance.ts';
import { useNode } from '../node/hooks.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { BackupProgressBar } from './maintenance/BackupProgressBar.tsx';
import { useAction } from './use-action.ts';

/** Most a backup file read into memory may be (the format's limit is larger; a browser tab is not). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Onboarding → Restore from backup: a backup file and its passphrase. Nothing is written unless the whole
 * file opens and every signature in it checks out; then the node closes (this profile's device key is now
 * the backup's) and the tab reloads to open the profile as that identity.
 */
export function RestoreBackup({ reload = () => location.reload() }: { readonly reload?: () => void }) {
  const node = useNode();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [pass, setPass] = useState('');
  const [progress, setProgress] = useState<BackupProgress | null>(null);
  const { pending, error, clearError, run } = useAction(async (f: File, passphrase: string) => {
    if (f.size > MAX_FILE_BYTES) throw new Error('this file is too large to be a backup');
    await node.backups.restoreBackup(new Uint8Array(await f.arrayBuffer()), passphrase, setProgress);
    reload();
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (file !== null && pass !== '') void run(file, pass);
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="restore-backup">
      <h2 id={`${id}-title`}>Restore from backup</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-file`}>Backup file</label>
        <input id={`${id}-file`} type="file" accept=".aura,application/octet-stream" data-testid="restore-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <label htmlFor={`${id}-pass`}>Passphrase</label>
        <input id={`${id}-pass`} className="input" type="password" autoComplete="current-password" data-testid="restore-passphrase" value={pass} onChange={(e) => setPass(e.target.value)} />
        <button type="submit" className="button" data-testid="restore-start" disabled={pending || file === null || pass === ''}>
          {pending ? 'Restoring…' : 'Restore'}
        </button>
      </form>
      {pending && progress ? <BackupProgressBar progress={progress} testId="restore-progress" label="Restore progress" /> : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </section>
  );
}
