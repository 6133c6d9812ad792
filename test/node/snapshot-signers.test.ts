import { describe, expect, it } from 'vitest';
import { commitDigest } from '../../src/core/authz/consensus-commit.ts';
import { participantIdFromString } from '../../src/core/crypto/frost.ts';
import { compareStrings } from '../../src/core/compare.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { AuthorityId } from '../../src/core/ids.ts';
import { encodeWitnessKey, WITNESS_KEY_BINDING } from '../../src/core/reduce/witness-keys.ts';
import { snapshotSigners } from '../../src/node/maintenance/snapshot-signers.ts';
import { CTX, person, reduce, type Person } from '../support/authz-world.ts';
import { signedCommit, singleKeyGroup, witnessGroup } from '../support/frost-group.ts';

const group = witnessGroup('snapshot-signers');
const alice = person('ss-alice');
const bob = person('ss-bob');
const participants = [alice.w.key.deviceId, bob.w.key.deviceId].sort(compareStrings);
const endorse = (p: Person, g = group) => p.w.fact('rel.binding', { bindingType: WITNESS_KEY_BINDING, authorities: [p.author], data: encodeWitnessKey({ groupKey: g.groupKey, threshold: 2, participants }) });
const msg = alice.w.fact('chat.channel', { name: 'general' });
const msg2 = bob.w.fact('chat.channel', { name: 'random' });
const DIGEST = 'cd'.repeat(32);
const commitBy = (signers: readonly Person[], opts: { covers?: string[]; prestateHash?: string; consensusId?: string; g?: typeof group } = {}) =>
  alice.w.fact(
    'consensus.commit',
    signedCommit(opts.g ?? group, CTX, {
      consensusId: opts.consensusId ?? 'snapshot:p1',
      prestateHash: opts.prestateHash ?? DIGEST,
      covers: opts.covers ?? [msg.id],
      signers: signers.map((p) => participantIdFromString(p.w.key.deviceId)),
    }),
  );
const names = new Map<AuthorityId, string>([
  [alice.author, 'Alice'],
  [bob.author, 'Bob'],
]);
const nameOf = (a: AuthorityId) => names.get(a) ?? '?';
const journal = (facts: readonly ValidatedFact[]) => ({ ns: CTX, facts: new Map(facts.map((f) => [f.id, f])), state: reduce(facts) });
const base = [alice.join, bob.join, msg, msg2, endorse(alice), endorse(bob)];
const signedNames = (s: ReturnType<typeof snapshotSigners>) => s?.witnesses.filter((w) => w.signed).map((w) => w.name);

describe('who signed a snapshot (Maintenance → Snapshots)', () => {
  it('the verified commit`s key: every witness with its name and device, the threshold, and which shares the commit lists', () => {
    const commit = commitBy([alice]);
    const s = snapshotSigners(journal([...base, commit]), 'p1', DIGEST, nameOf)!;
    expect(s.threshold).toBe(2);
    expect(s.committedAt).toBe(commit.fact.time.wall);
    const byDevice = new Map([
      [alice.w.key.deviceId, { authority: alice.author, name: 'Alice', signed: true }],
      [bob.w.key.deviceId, { authority: bob.author, name: 'Bob', signed: false }],
    ]);
    expect(s.witnesses).toEqual(participants.map((device) => ({ device, ...byDevice.get(device)! })));
    expect(signedNames(snapshotSigners(journal([...base, commitBy([alice, bob])]), 'p1', DIGEST, nameOf))).toEqual(participants.map((d) => byDevice.get(d)!.name));
    // Commits for the same proposal over other digests (each counted for its own prestate) change nothing.
    const others = ['01', '7f', 'a0', 'ff'].map((b) => commitBy([bob], { prestateHash: b.repeat(32) }));
    expect(signedNames(snapshotSigners(journal([...base, ...others, commit]), 'p1', DIGEST, nameOf))).toEqual(['Alice']);
  });

  it('nothing without a counted commit for that proposal and digest under an endorsed key', () => {
    // Another proposal, another digest.
    expect(snapshotSigners(journal([...base, commitBy([alice])]), 'p2', DIGEST, nameOf)).toBeNull();
    expect(snapshotSigners(journal([...base, commitBy([alice], { prestateHash: 'ef'.repeat(32) })]), 'p1', DIGEST, nameOf)).toBeNull();
    // A checkpoint commit is no snapshot's.
    expect(snapshotSigners(journal([...base, commitBy([alice], { consensusId: 'checkpoint:p1' })]), 'p1', DIGEST, nameOf)).toBeNull();
    // The key endorsed by one participant only, or a commit signed by a key nobody endorsed: not counted.
    expect(snapshotSigners(journal([alice.join, bob.join, msg, endorse(alice), commitBy([alice])]), 'p1', DIGEST, nameOf)).toBeNull();
    expect(snapshotSigners(journal([...base, commitBy([alice], { g: singleKeyGroup('stranger') })]), 'p1', DIGEST, nameOf)).toBeNull();
  });

  it('of two verified commits for one decision, the one that counts (largest digest) names the signers', () => {
    const one = commitBy([alice], { covers: [msg.id] });
    const two = commitBy([bob], { covers: [msg2.id] });
    const winner = compareStrings(commitDigest(CTX, one.fact.body), commitDigest(CTX, two.fact.body)) > 0 ? one : two;
    for (const order of [[one, two], [two, one]]) {
      expect(signedNames(snapshotSigners(journal([...base, ...order]), 'p1', DIGEST, nameOf))).toEqual([winner === one ? 'Alice' : 'Bob']);
    }
  });
});
