export { openStore, AuraStore, type OpenStoreOptions } from './store.ts';
export { StoreError, toStoreError, type StoreErrorCode } from './errors.ts';
export type { AppendExtra } from './append.ts';
export type { StoredFact } from './fact-record.ts';
export type { PeerRecord } from './peers.ts';
export type { StoredAck, AckTracking, AckSummary } from './schema.ts';
export type { StorageEstimateResult } from './estimate.ts';
export { DEVICE_SEED_BYTES } from './keys.ts';
