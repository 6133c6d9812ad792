import { describe, expect, it } from 'vitest';
import { consensusCommitMessage } from '../../src/core/authz/consensus-commit.ts';
import { verify } from '../../src/core/crypto/ed25519.ts';
import { groupPublicKey, type FrostKeyPackage } from '../../src/core/crypto/frost.ts';
import { frostAggregate, frostCommit, frostSignShare } from '../../src/core/crypto/frost-sign.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { DkgSession } from '../../src/protocols/consensus/dkg-session.ts';
import { decodeGroupMessage, encodeGroupMessage, type GroupBody } from '../../src/protocols/consensus/group-wire.ts';
import { deviceKey } from '../support/fixtures.ts';
import { seeded } from '../support/frost-group.ts';

/** n devices running the DKG over a synchronous router through the real wire encoding; `tamper` may rewrite. */
function run(n: number, t: number, tamper?: (from: string, to: string, bytes: Uint8Array) => Uint8Array | null) {
  const keys = Array.from({ length: n }, (_, i) => deviceKey(`dkg-${n}-${i}`));
  const participants = keys.map((k) => k.deviceId).sort();
  const out = new Map<string, FrostKeyPackage>();
  const drops: string[] = [];
  const failures: string[] = [];
  const queue: [string, string, Uint8Array][] = [];
  const sessions = new Map<string, DkgSession>();
  for (const key of keys) {
    sessions.set(key.deviceId, new DkgSession('ab'.repeat(32), participants, t, {
      key,
      random: seeded(`dkg/${key.deviceId}`),
      send: (to: string, body: GroupBody) => {
        for (const d of participants) if (d !== key.deviceId && (to === 'all' || to === d)) queue.push([key.deviceId, d, encodeGroupMessage(to, body)]);
      },
      done: (k) => out.set(key.deviceId, k),
      failed: (r) => failures.push(r),
      dropped: (r) => drops.push(r),
    }));
  }
  for (const s of sessions.values()) s.start();
  for (let m = queue.shift(); m; m = queue.shift()) {
    const bytes = tamper ? tamper(m[0], m[1], m[2]) : m[2];
    if (bytes) sessions.get(m[1])!.receive(m[0], decodeGroupMessage(bytes).body);
  }
  return { keys, out, drops, failures };
}

function signs(pkgs: FrostKeyPackage[], t: number): boolean {
  const msg = consensusCommitMessage(contextNamespace('x'), { consensusId: 'c', prestateHash: 'ab'.repeat(32), covers: ['bafy'], signers: ['a'], signature: new Uint8Array(64) });
  const chosen = pkgs.slice(0, t);
  const round = chosen.map((k, i) => ({ k, ...frostCommit(k, seeded(`sign-${i}`)) }));
  const commitments = round.map((r) => r.commitments);
  const sig = frostAggregate(pkgs[0]!.public, commitments, msg, round.map((r) => frostSignShare(r.k, r.nonces, commitments, msg)));
  return verify(sig, msg, groupPublicKey(pkgs[0]!.public));
}

describe('DKG among an authority\'s devices', () => {
  it('2-of-2 and 2-of-3: every device ends with the same group key, and t of them sign for it', () => {
    for (const [n, t] of [[2, 2], [3, 2]] as const) {
      const { out, drops, failures } = run(n, t);
      expect(failures).toEqual([]);
      expect(drops).toEqual([]);
      expect(out.size).toBe(n);
      const pkgs = [...out.values()];
      expect(new Set(pkgs.map((p) => groupPublicKey(p.public).join(','))).size).toBe(1);
      expect(signs(pkgs, t)).toBe(true);
    }
  });

  it('a tampered round-2 share is dropped, typed, and the DKG does not finish on it', () => {
    let n = 0;
    const { out, drops } = run(2, 2, (_from, _to, bytes) => {
      const m = decodeGroupMessage(bytes);
      if (m.body.type !== 'dkg2' || n++ > 0) return bytes;
      const box = Uint8Array.from(m.body.box);
      box[box.length - 1]! ^= 1;
      return encodeGroupMessage(m.to, { ...m.body, box });
    });
    expect(drops.some((d) => d.startsWith('dkg:'))).toBe(true);
    expect(out.size).toBe(1);
  });

  it('a device claiming another participant\'s identifier, or not in the group, is dropped', () => {
    const drops: string[] = [];
    const outsider = new DkgSession('cd'.repeat(32), [deviceKey('a1').deviceId, deviceKey('a2').deviceId].sort(), 2, {
      key: deviceKey('a1'),
      random: seeded('o'),
      send: () => {},
      done: () => {},
      failed: () => {},
      dropped: (r) => drops.push(r),
    });
    outsider.receive(deviceKey('stranger').deviceId, { type: 'dkg2', id: 'cd'.repeat(32), box: new Uint8Array(10) });
    outsider.receive(deviceKey('a2').deviceId, { type: 'dkg1', id: 'cd'.repeat(32), identifier: 'ab'.repeat(32), commitment: [new Uint8Array(32), new Uint8Array(32)], proofOfKnowledge: new Uint8Array(64) });
    expect(drops).toEqual(['dkg:NotAParticipant', 'dkg:WrongIdentifier']);
  });
});

describe('DKG over a lossy channel', () => {
  it('a finished device answers a peer still resending its round 1: a share lost after the sender finished is recovered', () => {
    const keys = [deviceKey('lossy-0'), deviceKey('lossy-1')];
    const participants = keys.map((k) => k.deviceId).sort();
    const [first, second] = participants as [string, string];
    const out = new Map<string, FrostKeyPackage>();
    const queue: [string, string, GroupBody][] = [];
    let lost = false;
    const sessions = new Map<string, DkgSession>();
    for (const key of keys) {
      sessions.set(key.deviceId, new DkgSession('ef'.repeat(32), participants, 2, {
        key,
        random: seeded(`lossy/${key.deviceId}`),
        send: (to, body) => {
          for (const d of participants) if (d !== key.deviceId && (to === 'all' || to === d)) queue.push([key.deviceId, d, body]);
        },
        done: (k) => out.set(key.deviceId, k),
        failed: () => {},
        dropped: () => {},
      }));
    }
    const drain = () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        // The first device's share to the second is lost, and the first finishes without ever resending it.
        if (m[0] === first && m[2].type === 'dkg2' && !lost) {
          lost = true;
          continue;
        }
        sessions.get(m[1])!.receive(m[0], decodeGroupMessage(encodeGroupMessage(m[1], m[2])).body);
      }
    };
    for (const s of sessions.values()) s.start();
    drain();
    expect([...out.keys()]).toEqual([first]);
    sessions.get(second)!.resend();
    drain();
    expect(out.size).toBe(2);
    expect(groupPublicKey(out.get(first)!.public)).toEqual(groupPublicKey(out.get(second)!.public));
  });
});
