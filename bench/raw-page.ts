import type { Page } from '@playwright/test';

/**
 * Raw costs in a page of the built app (the backup and catch-up benches' baselines): WebCrypto Ed25519
 * verification of n signatures over `recordBytes`-byte messages at once (as the node batches them), and one
 * IndexedDB transaction putting n such records into a bare object store (no index). Milliseconds each.
 */
export function rawInPage(page: Page, n: number, recordBytes: number): Promise<{ verify: number; put: number }> {
  return page.evaluate(
    async ([n, size]) => {
      const keys = (await crypto.subtle.generateKey('Ed25519', false, ['sign', 'verify'])) as CryptoKeyPair;
      const msgs = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`message ${i}`.padEnd(size!, '.')));
      const sigs = await Promise.all(msgs.map((m) => crypto.subtle.sign('Ed25519', keys.privateKey, m)));
      let t = performance.now();
      await Promise.all(msgs.map((m, i) => crypto.subtle.verify('Ed25519', keys.publicKey, sigs[i]!, m)));
      const verify = performance.now() - t;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(`raw-${Math.random()}`, 1);
        req.onupgradeneeded = () => req.result.createObjectStore('facts', { keyPath: 'id' });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      t = performance.now();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('facts', 'readwrite');
        msgs.forEach((bytes, i) => tx.objectStore('facts').put({ id: `fact-${i}`, bytes }));
        tx.oncomplete = () => resolve();
        tx.onabort = () => reject(tx.error);
      });
      const put = performance.now() - t;
      db.close();
      return { verify, put };
    },
    [n, recordBytes] as const,
  );
}
