import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { encodeDeviceProof } from '../../src/core/reduce/tree/device-proof.ts';
import { PackageError } from '../../src/core/rendezvous/enrollment-package.ts';
import { openAnswer, openInvitation, sealAnswer, sealInvitation, type InvitationContent } from '../../src/core/rendezvous/invitation-package.ts';
import { deviceKey } from '../support/fixtures.ts';
import { seededRandom } from '../support/node-net.ts';

const [alice, bob, eve] = ['inv-a', 'inv-b', 'inv-e'].map((l) => deviceKey(l));
const proofOf = (k: typeof alice, name: string) => {
  const g = createGenesis(k!, new Uint8Array(16), { wall: 1, logical: 0 }, name);
  return { proof: encodeDeviceProof(g, []), authority: g.fact.author };
};
const [A, B, E] = [proofOf(alice, 'Alice'), proofOf(bob, 'Bob'), proofOf(eve, 'Eve')];
const codeSecret = new Uint8Array(32).fill(7);
const content: InvitationContent = { context: 'ctx-pair', secret: new Uint8Array(32).fill(9), proof: A.proof };
const sealed = (c: InvitationContent = content, from = alice!) => sealInvitation(from, bob!.deviceId, codeSecret, c, seededRandom('pkg'));
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof PackageError ? e.code : `untyped:${(e as Error).name}`;
  }
  return 'accepted';
};

describe('invitation packages', () => {
  it('open to the invitee with who invites (authority and name, as the proof shows the sending device) and the pairwise secret', () => {
    const got = openInvitation(bob!, codeSecret, sealed());
    expect(got.from).toBe(alice!.deviceId);
    expect(got.inviter).toEqual({ authority: A.authority, name: 'Alice' });
    expect(got.content).toEqual(content);
  });

  it('refuses, typed: another device, another code, re-addressed, tampered, a proof of another authority, oversize, junk', () => {
    expect(refusal(() => openInvitation(eve!, codeSecret, sealed()))).toBe('NotForUs');
    expect(refusal(() => openInvitation(bob!, new Uint8Array(32).fill(8), sealed()))).toBe('Forged');
    const w = decodeCanonical<Record<string, unknown>>(sealed());
    expect(refusal(() => openInvitation(eve!, codeSecret, encodeCanonical({ ...w, to: eve!.deviceId })))).toBe('BadSignature');
    expect(refusal(() => openInvitation(bob!, codeSecret, encodeCanonical({ ...w, from: eve!.deviceId })))).toBe('BadSignature');
    // Eve's device claims to invite as Alice: Alice's proof does not name Eve's device.
    expect(refusal(() => openInvitation(bob!, codeSecret, sealed({ ...content, proof: A.proof }, eve!)))).toBe('Forged');
    expect(refusal(() => openInvitation(bob!, codeSecret, sealed({ ...content, proof: new Uint8Array([1, 2, 3]) })))).toBe('Forged');
    expect(refusal(() => openInvitation(bob!, codeSecret, new Uint8Array(40_000)))).toBe('TooLarge');
    expect(refusal(() => openInvitation(bob!, codeSecret, new Uint8Array([0xa1, 0x61])))).toBe('Malformed');
  });

  it('answers bind the package: an accept names the invitee; a replay for another package is Forged', () => {
    const pkg = sealed();
    const yes = sealAnswer(bob!, alice!.deviceId, codeSecret, pkg, { accept: true, proof: B.proof }, seededRandom('yes'));
    expect(openAnswer(alice!, codeSecret, yes, pkg)).toEqual({ from: bob!.deviceId, invitee: { authority: B.authority, name: 'Bob' } });
    const no = sealAnswer(bob!, alice!.deviceId, codeSecret, pkg, { accept: false }, seededRandom('no'));
    expect(openAnswer(alice!, codeSecret, no, pkg)).toEqual({ from: bob!.deviceId, invitee: null });
    // Replayed against a newer invitation (another package), or under another code.
    const newer = sealed({ ...content, context: 'ctx-newer' });
    expect(refusal(() => openAnswer(alice!, codeSecret, yes, newer))).toBe('Forged');
    expect(refusal(() => openAnswer(alice!, new Uint8Array(32).fill(3), yes, pkg))).toBe('Forged');
    // An accept whose proof is someone else's.
    expect(refusal(() => openAnswer(alice!, codeSecret, sealAnswer(bob!, alice!.deviceId, codeSecret, pkg, { accept: true, proof: E.proof }, seededRandom('x')), pkg))).toBe('Forged');
    // A package is not an answer.
    expect(refusal(() => openAnswer(alice!, codeSecret, sealInvitation(bob!, alice!.deviceId, codeSecret, content, seededRandom('y')), pkg))).toBe('BadSignature');
  });

  it('never throws untyped on arbitrary bytes or fields (fuzz)', () => {
    const pkg = sealed();
    const boxes = [pkg, sealAnswer(bob!, alice!.deviceId, codeSecret, pkg, { accept: true, proof: B.proof }, seededRandom('yes'))].map((b) => decodeCanonical<Record<string, unknown>>(b));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(0, 1), fc.constantFrom('v', 'to', 'from', 'eph', 'box', 'sig'), fc.anything(), (junk, which, field, value) => {
        expect(refusal(() => openInvitation(bob!, codeSecret, junk))).not.toMatch(/^untyped|accepted/);
        expect(refusal(() => openAnswer(alice!, codeSecret, junk, pkg))).not.toMatch(/^untyped|accepted/);
        let mutated: Uint8Array;
        try {
          mutated = encodeCanonical({ ...boxes[which], [field]: value });
        } catch {
          return;
        }
        expect(refusal(() => (which === 0 ? openInvitation(bob!, codeSecret, mutated) : openAnswer(alice!, codeSecret, mutated, pkg)))).not.toMatch(/^untyped/);
      }),
      { numRuns: 300 },
    );
  });
});
