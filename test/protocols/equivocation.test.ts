import { describe, expect, it } from 'vitest';
import type { FrostKeyPackage } from '../../src/core/crypto/frost.ts';
import { frostCommit, frostSignShare, type SignatureShare } from '../../src/core/crypto/frost-sign.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { ConsensusService } from '../../src/protocols/consensus/consensus-service.ts';
import type { EquivocationEvidence } from '../../src/protocols/consensus/equivocation-watch.ts';
import { executeMessage, executeRequest, type ExecuteRequest } from '../../src/protocols/consensus/execute.ts';
import { encodeConsensusMessage, executeToWire } from '../../src/protocols/consensus/wire.ts';
import { WitnessSigner } from '../../src/protocols/consensus/witness-signer.ts';
import { frostKeys, seeded } from '../support/frost-group.ts';

const ns = contextNamespace('ctx-equivocation');
const PRESTATE = 'cd'.repeat(32);
const cover = (c: string) => ({ consensusId: 'cons-eq', prestateHash: PRESTATE, covers: [c] });
const A = cover('bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy');
const B = cover('bafyreidykglsfhoixmivffc5uwhcgshx4j465xwqntbmu43nb2dzqwfvae');

/**
 * Witness 0 is the honest listener under test; witness 1 coordinates two sessions for one (cid, prestate) with
 * two results; witness 2 signs both (what `WitnessSigner` never does) — by hand, with real FROST shares.
 */
function world(seed: string) {
  const keys = frostKeys(seed, 3, 2);
  const ids = keys.map((k) => k.participant);
  const found: EquivocationEvidence[] = [];
  const drops: string[] = [];
  const listener = new ConsensusService({
    ns,
    self: ids[0]!,
    pub: keys[0]!.public,
    set: { witnesses: [...ids].sort(), threshold: 2 },
    signer: new WitnessSigner(keys[0]!, seeded(`${seed}/0`)),
    net: { send: () => {} },
    now: () => 0,
    prestate: () => PRESTATE,
    fallbackAfterMs: 300,
    setTimer: () => {},
    committed: () => {},
    dropped: (r) => drops.push(r),
    equivocated: (e) => found.push(e),
  });
  const random = seeded(`${seed}/sessions`);
  /** An Execute by witness 1 for `decision` with witnesses 1 and 2 as signers, and witness 2's real share of it. */
  const session = (decision: typeof A): { req: ExecuteRequest; share: SignatureShare } => {
    const [c1, c2] = [keys[1]!, keys[2]!].map((k: FrostKeyPackage) => frostCommit(k, random));
    const req = executeRequest(ns, decision, [c1!.commitments, c2!.commitments]);
    return { req, share: frostSignShare(keys[2]!, c2!.nonces, req.commitments, executeMessage(req)) };
  };
  const hear = (from: string, m: Parameters<typeof encodeConsensusMessage>[0]) => listener.receive(from, encodeConsensusMessage(m));
  const execute = (s: { req: ExecuteRequest }) => hear(ids[1]!, executeToWire(s.req));
  const share = (s: { req: ExecuteRequest }, sh: SignatureShare) => hear(sh.participant, { type: 'share', ns, session: s.req.session.id, participant: sh.participant, share: sh.share });
  return { ids, listener, found, drops, session, execute, share };
}

describe('equivocation across coordinators, as every witness overhears it (DESIGN §6)', () => {
  it('a witness whose shares for two results of one (cid, prestate) both verify is recorded with both, and excluded', () => {
    const w = world('eq-proven');
    const [a, b] = [w.session(A), w.session(B)];
    expect(a.req.result).not.toBe(b.req.result);
    w.execute(a);
    w.share(a, a.share);
    expect(w.found).toEqual([]);
    w.execute(b);
    w.share(b, b.share);
    expect(w.found).toHaveLength(1);
    expect(w.found[0]).toMatchObject({ witness: w.ids[2], consensusId: 'cons-eq', prestate: PRESTATE, first: { result: a.req.result }, second: { result: b.req.result } });
    expect(w.listener.watch.excluded(w.ids[2]!)).toBe(true);
    // From then on its shares are dropped, counted, and recorded only once.
    w.share(b, b.share);
    expect(w.drops.filter((d) => d === 'consensus:Equivocator').length).toBe(2);
    expect(w.found).toHaveLength(1);
    // Overheard shares of sessions it heard of are not "unknown".
    expect(w.drops).not.toContain('consensus:UnknownSession');
  });

  it('a made-up second share cannot frame an honest witness, nor can a retransmission', () => {
    const w = world('eq-framed');
    const [a, b] = [w.session(A), w.session(B)];
    w.execute(a);
    w.share(a, a.share);
    w.share(a, a.share);
    w.execute(b);
    // Witness 2's share of session A replayed as its share of session B: it does not verify there.
    w.share(b, a.share);
    expect(w.found).toEqual([]);
    expect(w.listener.watch.excluded(w.ids[2]!)).toBe(false);
  });

  it('a made-up first share does not hide a real equivocation that follows', () => {
    const w = world('eq-hidden');
    const [a, b, c] = [w.session(A), w.session(B), w.session(A)];
    w.execute(a);
    // A bogus first share for A (it is B's), then real shares for B and for A in another session.
    w.share(a, b.share);
    w.execute(b);
    w.share(b, b.share);
    expect(w.found).toEqual([]);
    w.execute(c);
    w.share(c, c.share);
    expect(w.found.map((e) => e.witness)).toEqual([w.ids[2]]);
  });

  it('shares heard before their Execute (another sender, another path) still count once it arrives', () => {
    const w = world('eq-early');
    const [a, b] = [w.session(A), w.session(B)];
    w.share(a, a.share);
    w.share(b, b.share);
    w.execute(a);
    expect(w.found).toEqual([]);
    w.execute(b);
    expect(w.found.map((e) => e.witness)).toEqual([w.ids[2]]);
  });
});
