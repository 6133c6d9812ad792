import type { BackupProgress } from '../../node/api-maintenance.ts';

/** `aura-backup-<name>-<YYYY-MM-DD>.aura`, the name reduced to what every file system accepts. */
export function backupFileName(displayName: string, at: Date): string {
  const name = displayName.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'profile';
  return `aura-backup-${name}-${at.toISOString().slice(0, 10)}.aura`;
}

/** Hands the bytes to the browser as a download. */
export function download(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The click has queued the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const PHASES: Record<BackupProgress['phase'], string> = {
  reading: 'Reading this device’s data…',
  deriving: 'Deriving the key from the passphrase…',
  encrypting: 'Encrypting…',
  decrypting: 'Decrypting…',
  verifying: 'Checking every signature…',
  writing: 'Saving…',
  done: 'Done.',
};

export const phaseText = (p: BackupProgress): string => PHASES[p.phase];
