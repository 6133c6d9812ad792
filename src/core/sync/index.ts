export { SyncProtocolError, type SyncErrorCode } from './errors.ts';
export { ItemSet } from './item-set.ts';
export { ID_BYTES, MAX_ITEM_TIME, factIdOf, syncItemOf, type SyncItem } from './item.ts';
export { KEY_BYTES, type Cell } from './key.ts';
export { DEFAULT_FRAME_LIMIT, DEFAULT_MAX_MESSAGES, MIN_FRAME_LIMIT, type SyncOptions } from './options.ts';
export { Reconciler, type ReconcileResult } from './reconciler.ts';
export { respond } from './respond.ts';
export { SYNC_PROTOCOL_VERSION } from './wire.ts';
