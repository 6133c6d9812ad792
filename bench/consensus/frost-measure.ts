import { groupPublicKey, participantIdFromNumber, type FrostKeyPackage, type RandomBytes } from '../../src/core/crypto/frost.ts';
import { dkgRound1, dkgRound2, dkgRound3 } from '../../src/core/crypto/frost-dkg.ts';
import { frostAggregate, frostCommit, frostSignShare, frostVerify, frostVerifyShare } from '../../src/core/crypto/frost-sign.ts';
import { median, report } from '../report.ts';

/**
 * The CPU cost of the FROST steps consensus and its ceremonies run — a full DKG among n devices (all parties
 * in one process: the sum of what each device computes), one nonce commitment, one signature share, verifying
 * a share, aggregating t shares, verifying the group signature. Medians of `rounds` runs. The same code runs
 * in Node (frost.ts) and in Chromium (frost-page.ts), figures tagged by `where`.
 */
export function measureFrost(where: string, rounds: number, random: RandomBytes): void {
  const ms = (run: () => void) => {
    const t = performance.now();
    run();
    return performance.now() - t;
  };
  const dkg = (n: number, t: number): FrostKeyPackage[] => {
    const ids = Array.from({ length: n }, (_, k) => participantIdFromNumber(k + 1));
    const round1 = ids.map((id) => dkgRound1(id, { min: t, max: n }, random));
    const othersOf = (i: number) => round1.filter((_, j) => j !== i).map((r) => r.package);
    const outgoing = round1.map((r, i) => dkgRound2(r.state, othersOf(i)));
    return round1.map((r, i) => dkgRound3(r.state, othersOf(i), outgoing.flatMap((out) => out.filter((m) => m.to === ids[i]).map((m) => m.package))));
  };
  for (const [n, t] of [[2, 2], [3, 2], [5, 3], [7, 4]] as const) {
    let keys: FrostKeyPackage[] = [];
    report(`frost.${where}.dkg.${t}of${n}.all_parties`, median(Array.from({ length: Math.max(3, rounds >> 1) }, () => ms(() => (keys = dkg(n, t))))), 'ms');
    const message = new TextEncoder().encode(`aura/consensus/commit/v1\nbench ${n} ${t}`);
    const signers = keys.slice(0, t);
    const runs = { commit: [] as number[], share: [] as number[], verifyShare: [] as number[], aggregate: [] as number[], verify: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      let round: ReturnType<typeof frostCommit>[] = [];
      runs.commit.push(ms(() => (round = signers.map((k) => frostCommit(k, random)))) / t);
      const commitments = round.map((x) => x.commitments);
      let shares: ReturnType<typeof frostSignShare>[] = [];
      runs.share.push(ms(() => (shares = signers.map((k, i) => frostSignShare(k, round[i]!.nonces, commitments, message)))) / t);
      runs.verifyShare.push(ms(() => shares.forEach((s) => frostVerifyShare(keys[0]!.public, commitments, message, s))) / t);
      let sig: Uint8Array = new Uint8Array(0);
      runs.aggregate.push(ms(() => (sig = frostAggregate(keys[0]!.public, commitments, message, shares))));
      runs.verify.push(ms(() => frostVerify(sig, message, groupPublicKey(keys[0]!.public))));
    }
    for (const [name, xs] of Object.entries(runs)) report(`frost.${where}.${name}.${t}of${n}`, median(xs), 'ms');
  }
}
