import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { Hlc } from '../../core/facts/hlc.ts';
import type { AuthorityId, ContextId } from '../../core/ids.ts';
import type { ContextMembers } from '../../core/reduce/membership.ts';
import type { Delivery } from '../../net/transport.ts';
import type { AppendExtra } from '../../store/append.ts';
import type { NodeDeps } from '../deps.ts';
import type { Evidence } from '../evidence.ts';
import type { Journals } from '../journals.ts';
import type { ChargeLedger } from './charges.ts';
import type { IngestResult } from './ingest.ts';
import type { WriteRequest } from './write-path.ts';

/** The meta record of this profile's identity (`StoredIdentity`); a profile without it has none yet. */
export const IDENTITY_META = 'identity';

export interface StoredIdentity {
  readonly authorityId: AuthorityId;
  readonly displayName: string;
}

/**
 * What the host shares with every feature module: the device key, the journals and evidence, the clock,
 * the ingest pipeline and the guarded write path. Modules never reach the store or transport for writes
 * and sends except through these.
 */
export interface NodeHost {
  readonly deps: NodeDeps;
  readonly key: DeviceKey;
  readonly journals: Journals;
  readonly evidence: Evidence;
  readonly charges: ChargeLedger;
  identity(): StoredIdentity | null;
  /** The identity, or NodeError NoIdentity / NodeClosed. */
  requireIdentity(): StoredIdentity;
  assertOpen(): void;
  readonly closed: boolean;
  /** The next local HLC reading (bounded: never beyond what peers accept). */
  tick(): Hlc;
  /** Durable first, then applied: every module hears of each applied fact. */
  commit(facts: readonly ValidatedFact[], extra: AppendExtra): Promise<void>;
  /** CapGuard → FlowGuard → JournalCoupler, commit, then (charged) publish. */
  write(req: WriteRequest): Promise<void>;
  /** Validate → authorize → hold or commit received fact bytes of a context; never throws. */
  ingest(context: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult>;
  membersOf(context: ContextId): ContextMembers;
  /** Reduced data changed (true) or only network status (false). */
  changed(data?: boolean): void;
  /** A query result cached until the reduced data next changes. */
  cached<T>(key: string, compute: () => T): T;
  countDrop(reason: string): void;
}

/**
 * One feature of the node (chat, membership, acks, sync…): its commands and queries live on the module; the
 * host calls these hooks. Adding a feature adds a module; the host does not grow.
 */
export interface NodeModule {
  /** After the journals were restored from the store, before the network starts. */
  restore?(): Promise<void>;
  /** Each fact applied to the journals (restored, written here, or received). Synchronous and cheap. */
  applied?(f: ValidatedFact): void;
  /** Received facts of a context were admitted and committed. */
  admitted?(context: ContextId, facts: readonly ValidatedFact[]): Promise<void>;
  /** A delivery from the network (facts go through ingest first; modules read what else it carries). */
  delivered?(d: Delivery): Promise<void>;
  /** The network is up (only with a transport). */
  start?(): void;
  stop?(): Promise<void>;
}
