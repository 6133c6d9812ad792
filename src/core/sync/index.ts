export { SyncProtocolError, type SyncErrorCode } from './errors.ts';
export { ItemSet } from './item-set.ts';
export { ID_BYTES, MAX_ITEM_TIME, factIdOf, syncItemOf, type SyncItem } from './item.ts';
export { DEFAULT_FRAME_LIMIT, MIN_FRAME_LIMIT, type SyncOptions } from './options.ts';
export { Reconciler, type ReconcileResult } from './reconciler.ts';
export { respond } from './respond.ts';
export { SYNC_PROTOCOL_VERSION } from './wire.ts';
