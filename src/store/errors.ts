import { AuraError } from '../core/errors.ts';

/**
 * Why a storage operation failed, in terms a user can act on:
 * - QuotaExceeded: the browser refused to store more (free space or grant persistent storage);
 * - Blocked: an older tab keeps the database open and would not let the schema upgrade;
 * - VersionTooNew: a newer app version already upgraded this database (reload to update);
 * - Unavailable: IndexedDB is missing, forbidden (private mode, settings) or failed to read;
 * - WriteFailed: a write was rolled back as a whole (nothing of it was stored);
 * - Closed: this connection was closed, by us or because a newer tab upgraded the database;
 * - SeedExists: a device key already exists for this profile and is never overwritten.
 */
export type StoreErrorCode = 'QuotaExceeded' | 'Blocked' | 'VersionTooNew' | 'Unavailable' | 'WriteFailed' | 'Closed' | 'SeedExists' | 'ProfileNotEmpty';

export class StoreError extends AuraError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

/** What was being done when the error arose: decides the code of errors that name no specific cause. */
export type StoreActivity = 'open' | 'read' | 'write';

const FALLBACK: Record<StoreActivity, StoreErrorCode> = { open: 'Unavailable', read: 'Unavailable', write: 'WriteFailed' };

/** Maps anything IndexedDB throws or aborts with (a DOMException, by name) to a StoreError; keeps StoreErrors. */
export function toStoreError(error: unknown, during: StoreActivity): StoreError {
  if (error instanceof StoreError) return error;
  const name = errorName(error);
  const detail = error instanceof Error && error.message !== '' ? `${name}: ${error.message}` : name || String(error);
  return new StoreError(codeOf(name, during), `${during} failed (${detail})`, { cause: error });
}

/** The DOMException name of an IndexedDB error ('' for anything else). */
export function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

function codeOf(name: string, during: StoreActivity): StoreErrorCode {
  switch (name) {
    case 'QuotaExceededError':
      return 'QuotaExceeded';
    case 'VersionError':
      return 'VersionTooNew';
    case 'SecurityError':
      return 'Unavailable';
    case 'InvalidStateError':
      // Opening: storage is disabled (e.g. some private modes). Afterwards: the connection is closing or closed.
      return during === 'open' ? 'Unavailable' : 'Closed';
    default:
      return FALLBACK[during];
  }
}
