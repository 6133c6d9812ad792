import { useId, useState, type FormEvent } from 'react';
import { MIN_BACKUP_PASSPHRASE, type BackupProgress } from '../../node/api-maintenance.ts';
import { useNode } from '../../node/hooks.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useAction } from '../use-action.ts';
import { backupFileName, download } from './backup-file.ts';
import { BackupProgressBar } from './BackupProgressBar.tsx';

/**
 * Maintenance → Back up: the whole profile (identity, device key, channel keys, every message) encrypted
 * under a passphrase typed twice, downloaded as `aura-backup-<name>-<date>.aura`.
 */
export function BackupSection() {
  const node = useNode();
  const id = useId();
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [progress, setProgress] = useState<BackupProgress | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const { pending, error, clearError, run } = useAction(async (passphrase: string) => {
    const bytes = await node.backups.backup(passphrase, setProgress);
    const name = backupFileName(node.identity()?.displayName ?? 'profile', new Date());
    download(bytes, name);
    setSaved(name);
  });
  const tooShort = pass.length < MIN_BACKUP_PASSPHRASE;
  const mismatch = again !== '' && again !== pass;

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    if (!tooShort && pass === again) void run(pass).then((ok) => ok && (setPass(''), setAgain('')));
  }

  return (
    <section aria-labelledby={`${id}-title`} data-testid="backup-section">
      <h3 id={`${id}-title`}>Back up</h3>
      <p className="hint">
        A file with everything this device holds — your identity, its key, your channels and messages — encrypted with a passphrase. Anyone
        with the file can try passphrases offline, so use at least {MIN_BACKUP_PASSPHRASE} characters (a few random words). Without the
        passphrase the file cannot be opened, by you either.
      </p>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-pass`}>Passphrase</label>
        <input id={`${id}-pass`} className="input" type="password" autoComplete="new-password" data-testid="backup-passphrase" value={pass} onChange={(e) => setPass(e.target.value)} aria-describedby={`${id}-rule`} />
        <label htmlFor={`${id}-again`}>Passphrase again</label>
        <input id={`${id}-again`} className="input" type="password" autoComplete="new-password" data-testid="backup-passphrase-again" value={again} onChange={(e) => setAgain(e.target.value)} />
        <p id={`${id}-rule`} className="hint" aria-live="polite">
          {pass !== '' && tooShort ? `${MIN_BACKUP_PASSPHRASE - pass.length} more characters needed.` : mismatch ? 'The two passphrases differ.' : null}
        </p>
        <button type="submit" className="button primary" data-testid="backup-start" disabled={pending || tooShort || pass !== again}>
          {pending ? 'Backing up…' : 'Back up'}
        </button>
      </form>
      {pending && progress ? <BackupProgressBar progress={progress} testId="backup-progress" label="Backup progress" /> : null}
      {saved ? (
        <p role="status" data-testid="backup-saved">
          Saved as {saved}. Keep it somewhere safe, and the passphrase somewhere else.
        </p>
      ) : null}
      {error !== null ? <ErrorAlert error={error} onDismiss={clearError} /> : null}
    </section>
  );
}
