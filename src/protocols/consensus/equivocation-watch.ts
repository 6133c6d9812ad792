import type { FrostPublicPackage } from '../../core/crypto/frost.ts';
import { frostVerifyShare, type SignatureShare } from '../../core/crypto/frost-sign.ts';
import type { Hash32 } from '../../core/ids.ts';
import { executeMessage, type ExecuteRequest } from './execute.ts';

/** Two valid shares by one witness for two results of one (cid, prestate): what no honest signer produces. */
export interface EquivocationEvidence {
  readonly witness: string;
  readonly consensusId: string;
  readonly prestate: Hash32;
  readonly first: { readonly result: Hash32; readonly session: string; readonly share: SignatureShare };
  readonly second: { readonly result: Hash32; readonly session: string; readonly share: SignatureShare };
}

/** Executes and shares remembered per participant: a window over recent instances, not a history. */
const MAX_REQUESTS = 128;
const MAX_SHARES = 512;
/** Shares heard before their session's Execute (another sender, another path): kept until it comes. */
const MAX_EARLY = 64;

/**
 * Equivocation across coordinators (DESIGN §6): every participant hears the Executes and shares of every
 * session on the witnesses' topic, not only its own. A witness whose shares for two different results of one
 * (cid, prestate) both verify against their sessions is recorded with that evidence and excluded from then on.
 * Shares are verified only when a conflict appears (16 ms each), and both must verify: a made-up share cannot
 * frame an honest witness.
 */
export class EquivocationWatch {
  private readonly requests = new Map<string, ExecuteRequest>();
  private readonly shares = new Map<string, { req: ExecuteRequest; share: SignatureShare }>();
  private readonly found = new Map<string, EquivocationEvidence>();
  private readonly early: { session: string; share: SignatureShare }[] = [];

  constructor(private readonly pub: FrostPublicPackage) {}

  /** A session's Execute; returns the evidence its shares heard earlier prove, if any. */
  executed(req: ExecuteRequest): EquivocationEvidence[] {
    if (this.requests.has(req.session.id)) return [];
    this.requests.set(req.session.id, req);
    if (this.requests.size > MAX_REQUESTS) this.requests.delete(this.requests.keys().next().value!);
    const waiting = this.early.filter((e) => e.session === req.session.id);
    this.early.splice(0, this.early.length, ...this.early.filter((e) => e.session !== req.session.id));
    return waiting.flatMap((e) => this.share(e.session, e.share) ?? []);
  }

  knows(session: string): boolean {
    return this.requests.has(session);
  }

  /** A share heard for a session; the evidence when it proves its signer equivocated (once per witness). */
  share(session: string, share: SignatureShare): EquivocationEvidence | null {
    const req = this.requests.get(session);
    const w = share.participant;
    if (req === undefined) {
      this.early.push({ session, share });
      if (this.early.length > MAX_EARLY) this.early.shift();
      return null;
    }
    if (!req.session.signers.includes(w) || this.found.has(w)) return null;
    const slot = `${req.body.consensusId}\n${req.body.prestateHash}\n${w}`;
    const prior = this.shares.get(slot);
    // The same result again (a retransmission) proves nothing and costs no verification.
    if (prior !== undefined && prior.req.result === req.result) return null;
    if (prior === undefined || !this.verifies(prior.req, prior.share)) {
      this.shares.set(slot, { req, share });
      if (this.shares.size > MAX_SHARES) this.shares.delete(this.shares.keys().next().value!);
      return null;
    }
    if (!this.verifies(req, share)) return null;
    const evidence: EquivocationEvidence = {
      witness: w,
      consensusId: req.body.consensusId,
      prestate: req.body.prestateHash,
      first: { result: prior.req.result, session: prior.req.session.id, share: prior.share },
      second: { result: req.result, session: req.session.id, share },
    };
    this.found.set(w, evidence);
    return evidence;
  }

  excluded(witness: string): boolean {
    return this.found.has(witness);
  }

  evidence(): readonly EquivocationEvidence[] {
    return [...this.found.values()];
  }

  private verifies(req: ExecuteRequest, share: SignatureShare): boolean {
    return frostVerifyShare(this.pub, req.commitments, executeMessage(req), share);
  }
}
