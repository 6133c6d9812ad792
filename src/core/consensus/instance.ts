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

/**
 * One FROST signing round: its signers (sorted, ≥ t, all witnesses) and an id naming their nonce commitments.
 * A share only combines with shares of the same session, so the fast path and a fallback run are two sessions.
 */
export interface SigningSession {
  readonly id: string;
  readonly signers: readonly WitnessId[];
}

/** One witness's signature share on one result of one instance (verified by the shell before it gets here). */
export interface ShareMsg {
  readonly witness: WitnessId;
  /** Hash of the operation the witness signs as the outcome of (cid, prestate). */
  readonly result: Hash32;
  readonly session: SigningSession;
  readonly share: Uint8Array;
}

/** Evidence that a witness signed two different results for one (cid, prestate): both shares. */
export interface Equivocation {
  readonly witness: WitnessId;
  readonly first: ShareMsg;
  readonly second: ShareMsg;
}

export interface WitnessShares {
  readonly result: Hash32;
  /** Its first share seen: the evidence kept if it ever signs another result. */
  readonly first: ShareMsg;
  readonly sessions: ReadonlyMap<string, ShareMsg>;
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
  /** Each witness not known to equivocate: the result it signs, and its share in each session, by session id. */
  readonly shares: ReadonlyMap<WitnessId, WitnessShares>;
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
  /** Every signer of a session (≥ t, none equivocating) signed one result: aggregate and publish the commit. */
  | { readonly t: 'aggregate'; readonly result: Hash32; readonly session: SigningSession; readonly shares: readonly ShareMsg[] }
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
 * shares are kept per witness and session, so their arrival order changes nothing but which equivocating share
 * is "first". A commit is final: later events never move a Committed instance, and a second commit with another
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
  if (!validSession(s.set, msg) || s.equivocations.has(msg.witness)) return { state: s, effects: [] };
  const prior = s.shares.get(msg.witness);
  if (prior !== undefined && prior.result !== msg.result) {
    // Two results from one witness for one (cid, prestate): it is out of this instance, with the evidence.
    const evidence: Equivocation = { witness: msg.witness, first: prior.first, second: msg };
    const shares = new Map(s.shares);
    shares.delete(msg.witness);
    return { state: { ...s, shares, equivocations: new Map(s.equivocations).set(msg.witness, evidence) }, effects: [{ t: 'equivocation', evidence }] };
  }
  if (prior?.sessions.has(msg.session.id)) return { state: s, effects: [] };
  const sessions = new Map(prior?.sessions ?? []).set(msg.session.id, msg);
  const state = { ...s, shares: new Map(s.shares).set(msg.witness, { result: msg.result, first: prior?.first ?? msg, sessions }) };
  if (done(s)) return { state, effects: [] };
  const inSession = msg.session.signers.map((w) => state.shares.get(w)).map((x) => (x?.result === msg.result ? x.sessions.get(msg.session.id) : undefined));
  // Exactly when the session's last share arrives, so one instance asks to aggregate each session once.
  if (inSession.some((x) => x === undefined)) return { state, effects: [] };
  return { state, effects: [{ t: 'aggregate', result: msg.result, session: msg.session, shares: inSession as ShareMsg[] }] };
}

/** A session of at least t distinct witnesses of the set, sorted, that includes the share's witness. */
function validSession(set: WitnessSet, msg: ShareMsg): boolean {
  const signers = msg.session.signers;
  if (signers.length < set.threshold || !signers.includes(msg.witness)) return false;
  for (let k = 0; k < signers.length; k++) {
    if (!set.witnesses.includes(signers[k]!) || (k > 0 && compareStrings(signers[k - 1]!, signers[k]!) >= 0)) return false;
  }
  return true;
}
