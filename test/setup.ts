// Node entry point for unit tests: IndexedDB globals (the idb wrapper needs IDBRequest & co. even when a
// factory is injected) and the one ES2024 API libp2p expects that Node 20 lacks.
import 'fake-indexeddb/auto';

if (!('withResolvers' in Promise)) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
