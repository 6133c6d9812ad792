import type { AuthorityId, DeviceId, FactId, Namespace } from '../ids.ts';
import type { Hlc, OrderTime } from './hlc.ts';
import type { BodyOf, FactKind } from './kinds/index.ts';

export const FACT_VERSION = 1;
export { MAX_FACT_BYTES } from '../limits.ts';

/** What the device signs. Agreement, propagation and acks are local metadata and never appear here. */
export interface UnsignedFact<K extends FactKind = FactKind> {
  readonly v: typeof FACT_VERSION;
  readonly ns: Namespace;
  readonly kind: K;
  readonly author: AuthorityId;
  readonly device: DeviceId;
  readonly time: Hlc;
  readonly body: BodyOf<K>;
}

export interface Fact<K extends FactKind = FactKind> extends UnsignedFact<K> {
  readonly sig: Uint8Array;
}

/** A fact that passed validation, with its id and canonical bytes. The only form journals hold. */
export interface ValidatedFact<K extends FactKind = FactKind> {
  readonly id: FactId;
  readonly fact: Fact<K>;
  readonly bytes: Uint8Array;
}

export function orderTimeOf(f: Fact): OrderTime {
  return { wall: f.time.wall, logical: f.time.logical, device: f.device };
}

export function isKind<K extends FactKind>(vf: ValidatedFact, kind: K): vf is ValidatedFact<K> {
  return vf.fact.kind === kind;
}
