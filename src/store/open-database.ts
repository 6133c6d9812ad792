import { wrap, type IDBPDatabase } from 'idb';
import { StoreError, toStoreError } from './errors.ts';
import type { AuraDB, Migration, UpgradeTransaction } from './schema.ts';

export interface OpenDatabaseOptions {
  /** How long an upgrade may wait for older connections to close before giving up with `Blocked`. */
  readonly blockedGraceMs: number;
}

/**
 * Opens `name` at version `migrations.length`, running migrations[old..new) in order inside the upgrade
 * transaction, so an interrupted upgrade leaves the previous version intact.
 *
 * An older connection that still holds the database open after it was asked to close (blocked) makes this
 * reject with `Blocked` after the grace period. Giving up has no effect: if the old connection closes
 * later, the pending upgrade is aborted and a connection that opens anyway is closed at once.
 */
export function openDatabase(factory: IDBFactory, name: string, migrations: readonly Migration[], opts: OpenDatabaseOptions): Promise<IDBPDatabase<AuraDB>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fail = (error: StoreError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };

    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, migrations.length);
    } catch (e) {
      fail(toStoreError(e, 'open'));
      return;
    }

    request.onupgradeneeded = (event) => {
      const tx = request.transaction!;
      if (settled) {
        tx.abort();
        return;
      }
      try {
        const db = wrap(request.result) as IDBPDatabase<AuraDB>;
        const upgrade = wrap(tx) as unknown as UpgradeTransaction;
        // A failed upgrade is reported by the open request; its `done` must not reject unhandled.
        upgrade.done.catch(() => undefined);
        for (let v = event.oldVersion; v < migrations.length; v++) migrations[v]!(db, upgrade);
      } catch (e) {
        fail(toStoreError(e, 'open'));
        tx.abort();
      }
    };
    request.onblocked = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new StoreError('Blocked', `another tab keeps "${name}" open at an older version; close it and retry`)), opts.blockedGraceMs);
    };
    request.onsuccess = () => {
      if (settled) {
        request.result.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(wrap(request.result) as IDBPDatabase<AuraDB>);
    };
    request.onerror = () => fail(toStoreError(request.error, 'open'));
  });
}
