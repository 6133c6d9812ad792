import { compareStrings } from '../compare.ts';
import type { Hash32, PhysicalTime } from '../ids.ts';

/** A witness of a consensus instance: a device id (an authority's devices, or one per member authority). */
export type WitnessId = string;

/** Who decides, and how many of them must sign one result for it to commit. */
export interface WitnessSet {
  /** Distinct, sorted. */
  readonly witnesses: readonly WitnessId[];
  readonly threshold: number;
}

/** One witness's signature share on one result of one instance (verified by the shell before it gets here). */
export interface ShareMsg {
  readonly witness: WitnessId;
  /** Hash of the operation the witness signs as the outcome of (cid, prestate). */
  readonly result: Hash32;
  readonly share: Uint8Array;
}

/** Evidence that a witness signed two different results for one (cid, prestate): both shares. */
export interface Equivocation {
  readonly witness: WitnessId;
  readonly first: ShareMsg;
  readonly second: ShareMsg;
}

export type ConsensusPhase = 'Pending' | 'FastPathActive' | 'FallbackActive' | 'Committed' | 'Failed';

/** One Aura Consensus instance as one participant sees it: pure data, changed only by `step`. */
export interface ConsensusInstance {
  readonly cid: string;
  readonly prestate: Hash32;
  readonly set: WitnessSet;
  readonly phase: ConsensusPhase;
  readonly startedAt: PhysicalTime | null;
  /** T_fallback: how long the fast path may take before witnesses gossip their shares (2–3 × RTT). */
  readonly fallbackAfterMs: number;
  /** The first share of each witness not known to equivocate. */
  readonly shares: ReadonlyMap<WitnessId, ShareMsg>;
  readonly equivocations: ReadonlyMap<WitnessId, Equivocation>;
  /** The committed result, once a verified commit was seen. */
  readonly committed: Hash32 | null;
  /** A second verified commit with another result: a safety violation (more than f faulty witnesses). */
  readonly conflict: Hash32 | null;
  readonly failure: string | null;
}

export type ConsensusEvent =
  | { readonly t: 'start'; readonly now: PhysicalTime }
  | { readonly t: 'share'; readonly msg: ShareMsg }
  | { readonly t: 'tick'; readonly now: PhysicalTime }
  /** A commit fact whose group signature the shell verified. */
  | { readonly t: 'commit'; readonly result: Hash32 }
  | { readonly t: 'fail'; readonly reason: string };

export type ConsensusEffect =
  /** ≥ t matching shares of distinct, non-equivocating witnesses: aggregate them and publish the commit. */
  | { readonly t: 'aggregate'; readonly result: Hash32; readonly shares: readonly ShareMsg[] }
  /** The fast path ran out of time: gossip our shares to the other witnesses. */
  | { readonly t: 'gossip' }
  | { readonly t: 'equivocation'; readonly evidence: Equivocation };

export function newInstance(cid: string, prestate: Hash32, set: WitnessSet, fallbackAfterMs: number): ConsensusInstance {
  const witnesses = [...new Set(set.witnesses)].sort(compareStrings);
  if (!Number.isSafeInteger(set.threshold) || set.threshold < 1 || set.threshold > witnesses.length) {
    throw new RangeError(`threshold ${set.threshold} of ${witnesses.length} witnesses`);
  }
  return {
    cid,
    prestate,
    set: { witnesses, threshold: set.threshold },
    phase: 'Pending',
    startedAt: null,
    fallbackAfterMs,
    shares: new Map(),
    equivocations: new Map(),
    committed: null,
    conflict: null,
    failure: null,
  };
}

const done = (s: ConsensusInstance) => s.phase === 'Committed' || s.phase === 'Failed';

/**
 * The transition function. Deterministic: the same events in the same order give the same state and effects;
 * shares are counted per witness, so their arrival order changes nothing but which equivocating share is
 * "first". A commit is final: later events never move a Committed instance, and a second commit with another
 * result is recorded as a conflict, never adopted — at most one commit per (cid, prestate).
 */
export function step(s: ConsensusInstance, e: ConsensusEvent): { state: ConsensusInstance; effects: ConsensusEffect[] } {
  switch (e.t) {
    case 'start':
      if (s.phase !== 'Pending') return { state: s, effects: [] };
      return { state: { ...s, phase: 'FastPathActive', startedAt: e.now }, effects: [] };
    case 'tick':
      if (s.phase !== 'FastPathActive' || s.startedAt === null || e.now < s.startedAt + s.fallbackAfterMs) return { state: s, effects: [] };
      return { state: { ...s, phase: 'FallbackActive' }, effects: [{ t: 'gossip' }] };
    case 'commit':
      if (s.committed === null) return { state: { ...s, phase: 'Committed', committed: e.result, failure: null }, effects: [] };
      return { state: e.result === s.committed || s.conflict !== null ? s : { ...s, conflict: e.result }, effects: [] };
    case 'fail':
      return done(s) ? { state: s, effects: [] } : { state: { ...s, phase: 'Failed', failure: e.reason }, effects: [] };
    case 'share':
      return receiveShare(s, e.msg);
  }
}

function receiveShare(s: ConsensusInstance, msg: ShareMsg): { state: ConsensusInstance; effects: ConsensusEffect[] } {
  if (!s.set.witnesses.includes(msg.witness) || s.equivocations.has(msg.witness)) return { state: s, effects: [] };
  const prior = s.shares.get(msg.witness);
  if (prior !== undefined) {
    if (prior.result === msg.result) return { state: s, effects: [] };
    // Two results from one witness for one (cid, prestate): it is out of this instance, with the evidence.
    const evidence: Equivocation = { witness: msg.witness, first: prior, second: msg };
    const shares = new Map(s.shares);
    shares.delete(msg.witness);
    return { state: { ...s, shares, equivocations: new Map(s.equivocations).set(msg.witness, evidence) }, effects: [{ t: 'equivocation', evidence }] };
  }
  const state = { ...s, shares: new Map(s.shares).set(msg.witness, msg) };
  if (done(s)) return { state, effects: [] };
  const matching = [...state.shares.values()].filter((m) => m.result === msg.result).sort((a, b) => compareStrings(a.witness, b.witness));
  // Exactly when the threshold is reached, so one instance asks to aggregate each result once.
  if (matching.length !== s.set.threshold) return { state, effects: [] };
  return { state, effects: [{ t: 'aggregate', result: msg.result, shares: matching }] };
}
