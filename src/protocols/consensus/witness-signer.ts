import { approveSigning, type SignedLedger } from '../../core/consensus/witness.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { FrostKeyPackage, RandomBytes } from '../../core/crypto/frost.ts';
import { frostCommit, frostSignShare, type SignatureShare, type SigningCommitments, type SigningNonces } from '../../core/crypto/frost-sign.ts';
import { AuraError } from '../../core/errors.ts';
import type { Hash32 } from '../../core/ids.ts';
import { executeMessage, executeRequest, type ExecuteRequest } from './execute.ts';

export class SignerError extends AuraError<'UnknownCommitment' | 'NotASigner' | 'BadSession'> {
  override readonly name = 'SignerError';
}

/** Nonce commitments a witness keeps published ahead of time, so a fast-path commit takes one round trip. */
export const NONCE_POOL = 4;

/** The id of a nonce commitment: its hiding point, which is unique per commitment. */
export const commitmentId = (c: SigningCommitments): string => toHex(c.hiding);

/**
 * One witness's side of Aura Consensus: it publishes nonce commitments in advance (pipelining) and, asked to
 * Execute, signs a FROST share for the commit message — only on its own prestate, only one result per
 * (cid, prestate) (core's `approveSigning`), and each nonce at most once.
 */
export class WitnessSigner {
  private readonly nonces = new Map<string, SigningNonces>();
  private readonly published = new Map<string, SigningCommitments>();
  private ledger: SignedLedger = new Map();

  constructor(
    readonly key: FrostKeyPackage,
    private readonly random: RandomBytes,
  ) {}

  get participant(): string {
    return this.key.participant;
  }

  /** Fresh commitments to publish, topping the pool up to NONCE_POOL. */
  refill(): SigningCommitments[] {
    const out: SigningCommitments[] = [];
    while (this.nonces.size < NONCE_POOL) {
      const { nonces, commitments } = frostCommit(this.key, this.random);
      this.nonces.set(commitmentId(commitments), nonces);
      this.published.set(commitmentId(commitments), commitments);
      out.push(commitments);
    }
    return out;
  }

  /** Every commitment published and not yet spent: for a peer that missed the announcements (it was away). */
  unspent(): SigningCommitments[] {
    return [...this.published.values()];
  }

  /** Signs the request's commit message with the nonces behind our commitment in its session; typed refusals. */
  sign(asked: ExecuteRequest, localPrestate: Hash32): SignatureShare {
    // The result and session are recomputed here, never taken from the coordinator's word.
    const req = executeRequest(asked.ns, asked.body, asked.commitments);
    const { min } = this.key.public.signers;
    const known = (id: string) => Object.hasOwn(this.key.public.verifyingShares, id);
    // Checked before the ledger records anything, so a malformed request cannot spend our one vote.
    if (req.commitments.length < min || !req.commitments.every((c) => known(c.identifier))) throw new SignerError('BadSession', 'not a signing session of this key set');
    const mine = req.commitments.find((c) => c.identifier === this.participant);
    if (mine === undefined) throw new SignerError('NotASigner', 'this witness is not in the session');
    const nonces = this.nonces.get(commitmentId(mine));
    if (nonces === undefined) throw new SignerError('UnknownCommitment', 'no unspent nonces behind that commitment');
    this.ledger = approveSigning(this.ledger, req.body.consensusId, req.body.prestateHash, localPrestate, req.result);
    this.nonces.delete(commitmentId(mine));
    this.published.delete(commitmentId(mine));
    return frostSignShare(this.key, nonces, req.commitments, executeMessage(req));
  }
}
