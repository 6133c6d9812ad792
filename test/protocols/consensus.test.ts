import { describe, expect, it } from 'vitest';
import { commitVerifies } from '../../src/core/authz/consensus-commit.ts';
import { WitnessError } from '../../src/core/consensus/witness.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { ConsensusCoordinator, ShareError } from '../../src/protocols/consensus/coordinator.ts';
import { executeRequest, type CommitDecision } from '../../src/protocols/consensus/execute.ts';
import { SignerError, WitnessSigner } from '../../src/protocols/consensus/witness-signer.ts';
import { decodeConsensusMessage, encodeConsensusMessage, executeFromWire, executeToWire } from '../../src/protocols/consensus/wire.ts';
import { frostKeys, seeded } from '../support/frost-group.ts';

const ns = contextNamespace('ctx-consensus');
const PRESTATE = 'ab'.repeat(32);
const decision = (covers: string[], consensusId = 'cons-1'): CommitDecision => ({ consensusId, prestateHash: PRESTATE, covers });
const COVERS = ['bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'];

/** Three witnesses of a real 2-of-3 DKG, each with its nonce pool published. */
function witnesses(seed: string) {
  const keys = frostKeys(seed, 3, 2);
  const signers = keys.map((k) => new WitnessSigner(k, seeded(`${seed}/nonces/${k.participant}`)));
  const published = new Map(signers.map((s) => [s.participant, s.refill()]));
  const set = { witnesses: signers.map((s) => s.participant), threshold: 2 };
  return { keys, signers, published, set, pub: keys[0]!.public };
}

describe('consensus with real FROST shares', () => {
  it('fast path: one round with pre-published nonces gives a commit that verifies under the group key; a tampered one does not', () => {
    const { signers, published, set, pub } = witnesses('fast');
    const req = executeRequest(ns, decision(COVERS), signers.slice(0, 2).map((s) => published.get(s.participant)![0]!));
    const coord = new ConsensusCoordinator(pub, set, req, 0, 100);
    expect(coord.receive(req.session.id, signers[0]!.sign(req, PRESTATE))).toBeNull();
    const commit = coord.receive(req.session.id, signers[1]!.sign(req, PRESTATE))!;
    expect(commit).not.toBeNull();
    expect(coord.state.phase).toBe('Committed');
    expect(commitVerifies(ns, commit, coord.groupKey)).toBe(true);
    const forged = { ...commit, signature: commit.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(commitVerifies(ns, forged, coord.groupKey)).toBe(false);
    expect(commitVerifies(ns, { ...commit, covers: [...COVERS, 'bafyreib'] }, coord.groupKey)).toBe(false);
  });

  it('through the wire: Execute and shares encoded and decoded by each side commit the same way', () => {
    const { signers, published, set, pub } = witnesses('wire');
    const req = executeRequest(ns, decision(COVERS), signers.slice(0, 2).map((s) => published.get(s.participant)![0]!));
    const coord = new ConsensusCoordinator(pub, set, req, 0, 100);
    const sent = decodeConsensusMessage(encodeConsensusMessage(executeToWire(req)));
    if (sent.type !== 'execute') throw new Error('expected execute');
    const got = executeFromWire(sent);
    expect(got.session).toEqual(req.session);
    let commit = null;
    for (const s of signers.slice(0, 2)) {
      const share = s.sign(got, PRESTATE);
      const back = decodeConsensusMessage(encodeConsensusMessage({ type: 'share', ns, session: got.session.id, participant: share.participant, share: share.share }));
      if (back.type !== 'share') throw new Error('expected share');
      commit = coord.receive(back.session, { participant: back.participant, share: back.share });
    }
    expect(commit !== null && commitVerifies(ns, commit, coord.groupKey)).toBe(true);
  });

  it('fallback: with a signer silent, a second session among the witnesses that answer commits the same decision', () => {
    const { signers, published, set, pub } = witnesses('fallback');
    const fast = executeRequest(ns, decision(COVERS), signers.slice(0, 2).map((s) => published.get(s.participant)![0]!));
    const coord = new ConsensusCoordinator(pub, set, fast, 0, 100);
    expect(coord.receive(fast.session.id, signers[0]!.sign(fast, PRESTATE))).toBeNull();
    // signers[1] never answers; after T_fallback the coordinator opens a session with signers[0] and [2].
    const again = executeRequest(ns, decision(COVERS), [signers[0]!, signers[2]!].map((s) => published.get(s.participant)![1]!));
    coord.open(again);
    expect(coord.receive(again.session.id, signers[0]!.sign(again, PRESTATE))).toBeNull();
    const commit = coord.receive(again.session.id, signers[2]!.sign(again, PRESTATE))!;
    expect(commitVerifies(ns, commit, coord.groupKey)).toBe(true);
    expect(coord.state.equivocations.size).toBe(0);
  });

  it('bad shares are typed refusals and never counted: corrupted (found when the group signature fails), from a non-signer, for an unknown session', () => {
    const { signers, published, set, pub } = witnesses('bad');
    const req = executeRequest(ns, decision(COVERS), signers.slice(0, 2).map((s) => published.get(s.participant)![0]!));
    const coord = new ConsensusCoordinator(pub, set, req, 0, 100);
    const good = signers[0]!.sign(req, PRESTATE);
    const corrupted = { ...good, share: good.share.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(() => coord.receive(req.session.id, { ...good, participant: signers[2]!.participant })).toThrow(expect.objectContaining({ code: 'NotASigner' }));
    expect(() => coord.receive('nope', good)).toThrow(ShareError);
    // Shares are proven together: the corrupted one is caught when the session completes, and named.
    expect(coord.receive(req.session.id, corrupted)).toBeNull();
    const second = signers[1]!.sign(req, PRESTATE);
    expect(() => coord.receive(req.session.id, second)).toThrow(expect.objectContaining({ name: 'ShareError', code: 'BadShare', message: expect.stringContaining(good.participant) }));
    expect(coord.state.shares.size).toBe(0);
    expect(coord.state.phase).toBe('FastPathActive');
    // The good share replaces it; the session completes and commits.
    const commit = coord.receive(req.session.id, good)!;
    expect(commitVerifies(ns, commit, coord.groupKey)).toBe(true);
    expect(coord.state.shares.size).toBe(2);
  });

  it('an honest witness never signs two decisions for one (cid, prestate), never reuses a nonce, and recomputes what it signs', () => {
    const { signers, published } = witnesses('honest');
    const w = signers[0]!;
    const req = executeRequest(ns, decision(COVERS), [published.get(w.participant)![0]!, published.get(signers[1]!.participant)![0]!]);
    w.sign(req, PRESTATE);
    expect(() => w.sign(req, PRESTATE)).toThrow(SignerError);
    expect(() => w.sign(req, PRESTATE)).toThrow(expect.objectContaining({ code: 'UnknownCommitment' }));
    const other = executeRequest(ns, decision(['bafyreiother']), [published.get(w.participant)![1]!, published.get(signers[1]!.participant)![1]!]);
    expect(() => w.sign(other, PRESTATE)).toThrow(WitnessError);
    const two = (k: number) => [published.get(w.participant)![k]!, published.get(signers[1]!.participant)![k]!];
    expect(() => w.sign(executeRequest(ns, decision(COVERS, 'cons-2'), two(2)), 'ff'.repeat(32))).toThrow(expect.objectContaining({ code: 'WrongPrestate' }));
    // A session below the threshold is refused before it can spend this witness's vote on cons-3.
    expect(() => w.sign(executeRequest(ns, decision(['bafyreix'], 'cons-3'), [published.get(w.participant)![2]!]), PRESTATE)).toThrow(expect.objectContaining({ code: 'BadSession' }));
    expect(w.sign(executeRequest(ns, decision(COVERS, 'cons-3'), two(2)), PRESTATE).participant).toBe(w.participant);
    // A coordinator that lies about the result cannot make the witness record (or sign) anything else.
    const lying = { ...executeRequest(ns, decision(COVERS), [published.get(w.participant)![3]!, published.get(signers[1]!.participant)![3]!]), result: 'forged' };
    expect(w.sign(lying, PRESTATE).participant).toBe(w.participant);
    expect(() => w.sign(executeRequest(ns, decision(COVERS), [published.get(signers[1]!.participant)![2]!, published.get(signers[2]!.participant)![0]!]), PRESTATE)).toThrow(
      expect.objectContaining({ code: 'NotASigner' }),
    );
  });
});
