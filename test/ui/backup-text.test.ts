import { describe, expect, it } from 'vitest';
import { BackupError, type BackupErrorCode } from '../../src/core/backup/errors.ts';
import { backupFileName } from '../../src/ui/maintenance/backup-file.ts';
import { errorCode, errorText } from '../../src/ui/error-text.ts';

const CODES: readonly BackupErrorCode[] = ['Truncated', 'Malformed', 'UnsupportedVersion', 'Tampered', 'WrongPassphrase', 'TooLarge', 'InvalidFact', 'Inconsistent'];

describe('backup in words', () => {
  it('every refusal of a backup is its own sentence saying nothing was restored, keyed by its code', () => {
    const texts = CODES.map((c) => errorText(new BackupError(c, 'developer detail')));
    for (const t of texts) {
      expect(t).toContain('Nothing was restored');
      expect(t).not.toContain('developer detail');
    }
    expect(new Set(texts).size).toBe(CODES.length);
    expect(errorCode(new BackupError('WrongPassphrase', 'x'))).toBe('WrongPassphrase');
  });

  it('names the file aura-backup-<name>-<date>.aura with only portable characters', () => {
    const at = new Date('2026-12-03T10:00:00Z');
    expect(backupFileName('Ada Backup', at)).toBe('aura-backup-Ada-Backup-2026-12-03.aura');
    expect(backupFileName('Zoë / ../etc', at)).toBe('aura-backup-Zoe-etc-2026-12-03.aura');
    expect(backupFileName('日本', at)).toBe('aura-backup-profile-2026-12-03.aura');
  });
});
