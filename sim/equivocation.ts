import type { WitnessSet } from '../src/core/consensus/instance.ts';
import { participantIdFromNumber, type FrostKeyPackage } from '../src/core/crypto/frost.ts';
import { dkgRound1, dkgRound2, dkgRound3 } from '../src/core/crypto/frost-dkg.ts';
import { frostCommit, frostSignShare, type SigningNonces } from '../src/core/crypto/frost-sign.ts';
import { encodeCanonical } from '../src/core/encoding/cbor.ts';
import { cidOf } from '../src/core/encoding/cid.ts';
import { contextNamespace, type ContextId } from '../src/core/ids.ts';
import { ConsensusService } from '../src/protocols/consensus/consensus-service.ts';
import { executeMessage, type CommitDecision } from '../src/protocols/consensus/execute.ts';
import { commitmentsToWire, decodeConsensusMessage, encodeConsensusMessage, executeFromWire } from '../src/protocols/consensus/wire.ts';
import { commitmentId, NONCE_POOL, WitnessSigner } from '../src/protocols/consensus/witness-signer.ts';
import { EventQueue, pick, prng, randomBytes, shuffled } from './clock.ts';
import { SimNet } from './network.ts';

export interface EquivocationResult {
  readonly scenario: 'equivocation';
  readonly seed: number;
  readonly witnesses: number;
  readonly threshold: number;
  /** Distinct results the equivocating witness signed shares for (2: it equivocated). */
  readonly equivocatorResults: number;
  /** Honest participants that recorded the equivocation (both shares, verified) and excluded the witness. */
  readonly excludedBy: number;
  readonly honest: number;
  /** Distinct results committed anywhere (safety: at most 1). */
  readonly commits: number;
  readonly drops: number;
  /** For each honest participant that recorded it: ms from the first proposal until it did. */
  readonly detectedAfterMs: number[];
}

const PRESTATE = 'ab'.repeat(32);
const FALLBACK_MS = 2_000;

/** The witness group's keys from a real DKG (done once per run of the scenario, as a group does once). */
export function dkg(n: number, t: number, seed: number): FrostKeyPackage[] {
  const rnd = randomBytes(prng(seed));
  const ids = Array.from({ length: n }, (_, k) => participantIdFromNumber(k + 1));
  const round1 = ids.map((id) => dkgRound1(id, { min: t, max: n }, rnd));
  const othersOf = (i: number) => round1.filter((_, j) => j !== i).map((r) => r.package);
  const outgoing = round1.map((r, i) => dkgRound2(r.state, othersOf(i)));
  return round1.map((r, i) => dkgRound3(r.state, othersOf(i), outgoing.flatMap((out) => out.filter((m) => m.to === ids[i]).map((m) => m.package))));
}

/**
 * A witness set from one DKG, one of whose witnesses equivocates: it announces a different nonce pool to each
 * participant (so two coordinators spend two of its nonces) and signs every Execute it gets. Two honest
 * witnesses propose conflicting decisions for one (cid, prestate) at once, through the real ConsensusService
 * (WitnessSigner, coordinator, wire) on the virtual clock and the simulated network.
 */
export async function equivocatingWitness(keys: readonly FrostKeyPackage[], threshold: number, seed: number): Promise<EquivocationResult> {
  const rnd = prng(seed);
  const q = new EventQueue();
  const net = new SimNet(q, rnd);
  const ns = contextNamespace(`sim-consensus-${seed}` as ContextId);
  const cid = `cons-${seed}`;
  const witnesses = keys.map((k) => k.participant).sort();
  const set: WitnessSet = { witnesses, threshold };
  // The equivocator is in the fast path (the first t witnesses), or it would never be asked to sign.
  const bad = witnesses[pick(rnd, threshold)]!;
  const honest = witnesses.filter((w) => w !== bad);
  const services = new Map<string, ConsensusService>();
  /** When each honest service recorded the equivocation (virtual ms): the app's own detection (`EquivocationWatch`). */
  const detectedAt = new Map<string, number>();
  const committed = new Set<string>();
  let drops = 0;
  // Every message on the witnesses' topic reaches every subscriber, whoever it is addressed to (as the app's
  // group channel hands the service consensus messages to others too); the equivocator answers only its own.
  const publish = (from: string, to: string, bytes: Uint8Array) => {
    for (const p of witnesses) {
      if (p === from) continue;
      net.datagram(from, p, () => {
        if (p !== bad) services.get(p)!.receive(from, bytes);
        else if (to === 'all' || to === p) equivocator(from, bytes);
      });
    }
  };
  for (const w of honest) {
    const key = keys.find((k) => k.participant === w)!;
    services.set(
      w,
      new ConsensusService({
        ns,
        self: w,
        pub: key.public,
        set,
        signer: new WitnessSigner(key, randomBytes(rnd)),
        net: { send: (to, bytes) => publish(w, to, bytes) },
        now: () => q.now,
        prestate: () => PRESTATE,
        fallbackAfterMs: FALLBACK_MS,
        setTimer: (ms, run) => q.after(ms, run),
        committed: (c) => committed.add(cidOf(encodeCanonical({ covers: c.covers }))),
        dropped: () => drops++,
        equivocated: () => void (detectedAt.has(w) || detectedAt.set(w, q.now)),
      }),
    );
  }
  // The equivocator: a pool of its own nonces per participant, and a share for every Execute, whatever it says.
  const badKey = keys.find((k) => k.participant === bad)!;
  const nonces = new Map<string, SigningNonces>();
  const signedResults = new Set<string>();
  const equivocator = (from: string, bytes: Uint8Array) => {
    const m = decodeConsensusMessage(bytes);
    if (m.type !== 'execute') return;
    const req = executeFromWire(m);
    const mine = req.commitments.find((c) => c.identifier === bad);
    const n = mine && nonces.get(commitmentId(mine));
    if (!n) return;
    nonces.delete(commitmentId(mine!));
    signedResults.add(req.result);
    const share = frostSignShare(badKey, n, req.commitments, executeMessage(req));
    publish(bad, from, encodeConsensusMessage({ type: 'share', ns, session: req.session.id, participant: bad, share: share.share }));
  };
  for (const p of honest) {
    const pool = Array.from({ length: NONCE_POOL }, () => frostCommit(badKey, randomBytes(rnd)));
    for (const c of pool) nonces.set(commitmentId(c.commitments), c.nonces);
    net.datagram(bad, p, () => services.get(p)!.receive(bad, encodeConsensusMessage({ type: 'nonces', ns, witness: bad, commitments: commitmentsToWire(pool.map((c) => c.commitments)) })));
  }
  for (const s of services.values()) s.announce();
  await q.runUntil(500);
  const [p1, p2] = shuffled(rnd, honest);
  const decision = (text: string): CommitDecision => ({ consensusId: cid, prestateHash: PRESTATE, covers: [cidOf(encodeCanonical({ text }))] });
  const proposedAt = 500;
  q.after(pick(rnd, 20), () => void services.get(p1!)!.propose(decision('A')));
  q.after(pick(rnd, 20), () => void services.get(p2!)!.propose(decision('B')));
  await q.runUntil(proposedAt + 4 * FALLBACK_MS);
  const detectedAfterMs = [...detectedAt.values()].map((t) => t - proposedAt);
  const excludedBy = [...services.values()].filter((s) => s.watch.excluded(bad)).length;
  return { scenario: 'equivocation', seed, witnesses: witnesses.length, threshold, equivocatorResults: signedResults.size, excludedBy, honest: honest.length, commits: committed.size, drops, detectedAfterMs };
}
