import { commitVerifies } from '../../core/authz/consensus-commit.ts';
import { newInstance, step, type ConsensusInstance, type WitnessSet } from '../../core/consensus/instance.ts';
import { groupPublicKey, type FrostPublicPackage } from '../../core/crypto/frost.ts';
import { frostAggregate, frostVerifyShare, type SignatureShare } from '../../core/crypto/frost-sign.ts';
import { AuraError } from '../../core/errors.ts';
import type { ConsensusCommit } from '../../core/facts/kinds/consensus.ts';
import type { PhysicalTime } from '../../core/ids.ts';
import { executeMessage, type ExecuteRequest } from './execute.ts';

export type ShareRefusal = 'UnknownSession' | 'NotASigner' | 'BadShare';

export class ShareError extends AuraError<ShareRefusal> {
  override readonly name = 'ShareError';
}

/**
 * The coordinating side of one consensus instance: it opens signing sessions (Execute requests), verifies
 * each share it is sent against the session's commitments before the state machine sees it, and once a
 * session is complete aggregates the FROST signature into a commit that verifies under the group key.
 */
export class ConsensusCoordinator {
  private instance: ConsensusInstance;
  private readonly sessions = new Map<string, ExecuteRequest>();
  readonly groupKey: Uint8Array;

  constructor(
    private readonly pub: FrostPublicPackage,
    set: WitnessSet,
    first: ExecuteRequest,
    now: PhysicalTime,
    fallbackAfterMs: number,
  ) {
    this.groupKey = groupPublicKey(pub);
    this.instance = step(newInstance(first.body.consensusId, first.body.prestateHash, set, fallbackAfterMs), { t: 'start', now }).state;
    this.open(first);
  }

  get state(): ConsensusInstance {
    return this.instance;
  }

  /** Another session for the same decision (a fallback with the witnesses that answered). */
  open(req: ExecuteRequest): void {
    this.sessions.set(req.session.id, req);
  }

  /** A share for a session: verified, then counted; returns the commit when this share completed a session. */
  receive(sessionId: string, share: SignatureShare): ConsensusCommit | null {
    const req = this.sessions.get(sessionId);
    if (req === undefined) throw new ShareError('UnknownSession', 'no such signing session');
    if (!req.session.signers.includes(share.participant)) throw new ShareError('NotASigner', 'the sender is not a signer of this session');
    const message = executeMessage(req);
    if (!frostVerifyShare(this.pub, req.commitments, message, share)) throw new ShareError('BadShare', 'the share does not verify');
    const r = step(this.instance, { t: 'share', msg: { witness: share.participant, result: req.result, session: req.session, share: share.share } });
    this.instance = r.state;
    for (const fx of r.effects) {
      if (fx.t !== 'aggregate') continue;
      const shares = fx.shares.map((s) => ({ participant: s.witness, share: s.share }));
      const commit: ConsensusCommit = { ...req.body, signers: [...req.session.signers], signature: frostAggregate(this.pub, req.commitments, message, shares) };
      // Verified shares aggregate to a valid signature; checked anyway, as every receiver will.
      if (!commitVerifies(req.ns, commit, this.groupKey)) return null;
      this.instance = step(this.instance, { t: 'commit', result: req.result }).state;
      return commit;
    }
    return null;
  }
}
