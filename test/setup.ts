// Node entry point for unit tests: IndexedDB globals (the idb wrapper needs IDBRequest & co. even when a
// factory is injected) and the ES2024 API libp2p expects that Node 20 lacks.
import 'fake-indexeddb/auto';
import '../relay/polyfill.ts';
