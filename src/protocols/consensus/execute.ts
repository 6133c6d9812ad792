import { commitDigest, consensusCommitMessage } from '../../core/authz/consensus-commit.ts';
import { compareStrings } from '../../core/compare.ts';
import type { SigningSession } from '../../core/consensus/instance.ts';
import { hashValue } from '../../core/crypto/hash.ts';
import type { SigningCommitments } from '../../core/crypto/frost-sign.ts';
import type { ConsensusCommit } from '../../core/facts/kinds/consensus.ts';
import type { Hash32, Namespace } from '../../core/ids.ts';

/** What a commit decides: the consensus id, the prestate and the facts it covers. */
export type CommitDecision = Omit<ConsensusCommit, 'signature' | 'signers'>;

/**
 * Execute(cid, op, prestate) to the witnesses of one signing session: the decision, its digest (the result
 * witnesses sign for), and the session's signers with the nonce commitments each published in advance.
 */
export interface ExecuteRequest {
  readonly ns: Namespace;
  readonly body: CommitDecision;
  readonly result: Hash32;
  readonly session: SigningSession;
  readonly commitments: readonly SigningCommitments[];
}

const unsigned = (body: CommitDecision, signers: readonly string[]): ConsensusCommit => ({ ...body, signers: [...signers], signature: new Uint8Array(64) });

/** The request for a session of these commitments (one per signer, ≥ t of the witness set). */
export function executeRequest(ns: Namespace, body: CommitDecision, commitments: readonly SigningCommitments[]): ExecuteRequest {
  const sorted = [...commitments].sort((a, b) => compareStrings(a.identifier, b.identifier));
  const signers = sorted.map((c) => c.identifier);
  return {
    ns,
    body,
    result: commitDigest(ns, unsigned(body, signers)),
    session: { id: hashValue('aura/consensus/session', sorted.map((c) => [c.identifier, c.hiding, c.binding])), signers },
    commitments: sorted,
  };
}

/** The message every share of the request signs: the domain-separated commit content. */
export function executeMessage(req: ExecuteRequest): Uint8Array {
  return consensusCommitMessage(req.ns, unsigned(req.body, req.session.signers));
}
