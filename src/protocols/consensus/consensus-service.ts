import type { WitnessSet } from '../../core/consensus/instance.ts';
import { fallbackAfterMs } from '../../core/consensus/timing.ts';
import type { FrostPublicPackage } from '../../core/crypto/frost.ts';
import type { SigningCommitments } from '../../core/crypto/frost-sign.ts';
import { AuraError } from '../../core/errors.ts';
import type { ConsensusCommit } from '../../core/facts/kinds/consensus.ts';
import type { Hash32, Namespace, PhysicalTime } from '../../core/ids.ts';
import { ConsensusCoordinator } from './coordinator.ts';
import { EquivocationWatch, type EquivocationEvidence } from './equivocation-watch.ts';
import { executeRequest, type CommitDecision, type ExecuteRequest } from './execute.ts';
import { commitmentsFromWire, commitmentsToWire, decodeConsensusMessage, encodeConsensusMessage, executeFromWire, executeToWire, type ConsensusMessage } from './wire.ts';
import { commitmentId, NONCE_POOL, SignerError, type WitnessSigner } from './witness-signer.ts';

/** How consensus messages move between the witnesses of one namespace (gossip on its topic, or a test bus). */
export interface ConsensusNet {
  /** To one participant, or to every other one. */
  send(to: string | 'all', bytes: Uint8Array): void;
}

export interface ConsensusServiceDeps {
  readonly ns: Namespace;
  readonly self: string;
  readonly pub: FrostPublicPackage;
  readonly set: WitnessSet;
  /** Present when this participant is a witness. */
  readonly signer?: WitnessSigner;
  readonly net: ConsensusNet;
  readonly now: () => PhysicalTime;
  /** The prestate this participant holds for a decision (witnesses sign only on it). */
  readonly prestate: (decision: CommitDecision) => Hash32;
  /** T_fallback before any round trip was measured; afterwards 2.5 × the median measured (core timing). */
  readonly fallbackAfterMs: number;
  readonly setTimer: (ms: number, run: () => void) => void;
  readonly committed: (commit: ConsensusCommit) => void;
  readonly dropped: (reason: string) => void;
  /** A witness proven to have signed two results for one (cid, prestate); it is excluded from then on. */
  readonly equivocated?: (evidence: EquivocationEvidence) => void;
}

/**
 * One participant of Aura Consensus in one namespace: it announces its nonce commitments, signs what it is
 * asked (as a witness), and coordinates what it proposes — the fast path over pre-announced nonces, then,
 * after T_fallback, a fallback session among the witnesses that answered. Every inbound message is decoded
 * and checked; a bad one is a counted drop, never a throw.
 */
export class ConsensusService {
  /** Unspent nonce commitments other witnesses announced, oldest first. */
  private readonly nonces = new Map<string, SigningCommitments[]>();
  private readonly coordinators = new Map<string, ConsensusCoordinator>();
  /** When each session's Execute went out, and the round trips measured from them (Execute → share). */
  private readonly sentAt = new Map<string, number>();
  private readonly rtts: number[] = [];
  /** Every session's Executes and shares heard on the topic, ours or not: equivocation evidence and exclusion. */
  readonly watch: EquivocationWatch;

  constructor(private readonly deps: ConsensusServiceDeps) {
    this.watch = new EquivocationWatch(deps.pub);
  }

  /** Publishes fresh nonce commitments (at start, and after each share spends one). */
  announce(): void {
    const signer = this.deps.signer;
    if (!signer) return;
    const fresh = signer.refill();
    if (fresh.length === 0) return;
    this.remember(signer.participant, fresh);
    this.broadcast({ type: 'nonces', ns: this.deps.ns, witness: signer.participant, commitments: commitmentsToWire(fresh) });
  }

  /** Publishes every unspent commitment again: a witness that was away learns them (duplicates are ignored). */
  reannounce(): void {
    const signer = this.deps.signer;
    if (!signer) return;
    signer.refill();
    const unspent = signer.unspent();
    // Our own view too: a session whose Execute we refused (our prestate had moved) took our nonce from it unspent.
    this.remember(signer.participant, unspent);
    this.broadcast({ type: 'nonces', ns: this.deps.ns, witness: signer.participant, commitments: commitmentsToWire(unspent) });
  }

  /** Proposes a decision: Execute to the first t witnesses with announced nonces, fallback after T_fallback. */
  propose(decision: CommitDecision): boolean {
    const first = this.session(this.deps.set.witnesses);
    if (first === null) return false;
    const req = executeRequest(this.deps.ns, decision, first);
    const wait = this.fallbackMs();
    const coord = new ConsensusCoordinator(this.deps.pub, this.deps.set, req, this.deps.now(), wait);
    this.coordinators.set(req.session.id, coord);
    this.sendExecute(req);
    this.deps.setTimer(wait, () => this.fallback(coord, decision, new Set(req.session.signers)));
    return true;
  }

  receive(from: string, bytes: Uint8Array): void {
    let m: ConsensusMessage;
    try {
      m = decodeConsensusMessage(bytes);
    } catch (e) {
      this.deps.dropped(`consensus:${e instanceof AuraError ? e.code : 'Error'}`);
      return;
    }
    if (m.ns !== this.deps.ns) return this.deps.dropped('consensus:WrongNamespace');
    try {
      this.handle(from, m);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      this.deps.dropped(`consensus:${e.code}`);
    }
  }

  private handle(from: string, m: ConsensusMessage): void {
    switch (m.type) {
      case 'nonces':
        // Only a witness announces its own nonces; anyone else's claim is dropped.
        if (m.witness !== from || !this.deps.set.witnesses.includes(from)) return this.deps.dropped('consensus:NotAWitness');
        return this.remember(from, commitmentsFromWire(m.commitments));
      case 'execute': {
        const req = executeFromWire(m);
        for (const evidence of this.watch.executed(req)) this.deps.equivocated?.(evidence);
        const signer = this.deps.signer;
        // Overheard: another signer's Execute, kept only as the watch's context for its shares.
        if (!signer || !req.session.signers.includes(this.deps.self)) return;
        let share;
        try {
          share = signer.sign(req, this.deps.prestate(req.body));
        } catch (e) {
          // Another coordinator spent that nonce (two proposing at once): say which ones are left, then refuse.
          if (e instanceof SignerError && e.code === 'UnknownCommitment') this.reannounce();
          throw e;
        }
        const bytes = encodeConsensusMessage({ type: 'share', ns: this.deps.ns, session: req.session.id, participant: share.participant, share: share.share });
        if (from === this.deps.self) this.receive(from, bytes);
        else this.deps.net.send(from, bytes);
        this.announce();
        return;
      }
      case 'share': {
        if (m.participant !== from) return this.deps.dropped('consensus:NotTheSigner');
        const evidence = this.watch.share(m.session, { participant: m.participant, share: m.share });
        if (evidence) this.deps.equivocated?.(evidence);
        if (this.watch.excluded(from)) return this.deps.dropped('consensus:Equivocator');
        const coord = this.coordinators.get(m.session);
        // A share for another coordinator's session we heard of is overheard, not unknown.
        if (!coord) return this.watch.knows(m.session) ? undefined : this.deps.dropped('consensus:UnknownSession');
        this.measure(m.session, from);
        const commit = coord.receive(m.session, { participant: m.participant, share: m.share });
        if (commit) this.deps.committed(commit);
        return;
      }
    }
  }

  /** After T_fallback without a commit: a new session among witnesses other than the fast path's silent ones. */
  private fallback(coord: ConsensusCoordinator, decision: CommitDecision, tried: ReadonlySet<string>): void {
    if (coord.state.phase === 'Committed') return;
    const answered = coord.answered();
    const candidates = this.deps.set.witnesses.filter((w) => answered.has(w) || !tried.has(w));
    const commitments = this.session(candidates);
    if (commitments === null) return this.deps.dropped('consensus:NoFallbackSession');
    const req = executeRequest(this.deps.ns, decision, commitments);
    coord.open(req);
    this.coordinators.set(req.session.id, coord);
    this.sendExecute(req);
  }

  /**
   * One unspent commitment from each of the first t of these witnesses that have one, or null. Our own is our
   * oldest, another's its newest: when two coordinators propose at once, each spends its own oldest first, so
   * neither asks the other for a nonce that other just spent on its own session.
   */
  private session(witnesses: readonly string[]): SigningCommitments[] | null {
    const chosen = witnesses.filter((w) => !this.watch.excluded(w) && (this.nonces.get(w)?.length ?? 0) > 0).slice(0, this.deps.set.threshold);
    if (chosen.length < this.deps.set.threshold) return null;
    return chosen.map((w) => (w === this.deps.self ? this.nonces.get(w)!.shift()! : this.nonces.get(w)!.pop()!));
  }

  /** T_fallback: 2.5 × the median of the last round trips measured, or the configured value before any. */
  fallbackMs(): number {
    return this.rtts.length === 0 ? this.deps.fallbackAfterMs : fallbackAfterMs(this.rtts);
  }

  /** A share from another witness: one round trip of its session's Execute (at most 16 kept). */
  private measure(session: string, from: string): void {
    const sent = this.sentAt.get(session);
    if (sent === undefined || from === this.deps.self) return;
    this.rtts.push(this.deps.now() - sent);
    if (this.rtts.length > 16) this.rtts.shift();
  }

  private sendExecute(req: ExecuteRequest): void {
    for (const evidence of this.watch.executed(req)) this.deps.equivocated?.(evidence);
    this.sentAt.set(req.session.id, this.deps.now());
    if (this.sentAt.size > 64) this.sentAt.delete(this.sentAt.keys().next().value!);
    const bytes = encodeConsensusMessage(executeToWire(req));
    for (const w of req.session.signers) {
      if (w === this.deps.self) this.receive(w, bytes);
      else this.deps.net.send(w, bytes);
    }
  }

  private remember(witness: string, fresh: readonly SigningCommitments[]): void {
    // A full pool is everything the witness has unspent (a start, or a re-announcement): what we held beyond it was spent.
    if (fresh.length === NONCE_POOL) return void this.nonces.set(witness, [...fresh]);
    const known = this.nonces.get(witness) ?? [];
    const seen = new Set(known.map(commitmentId));
    this.nonces.set(witness, [...known, ...fresh.filter((c) => !seen.has(commitmentId(c)))]);
  }

  private broadcast(m: ConsensusMessage): void {
    this.deps.net.send('all', encodeConsensusMessage(m));
  }
}

