import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { confirmPackage, isConfirmationOf } from '../../src/core/rendezvous/receipt.ts';
import { openPackage, PackageError, sealPackage, type EnrollmentContent } from '../../src/core/rendezvous/enrollment-package.ts';
import { deviceKey } from '../support/fixtures.ts';
import { seededRandom } from '../support/node-net.ts';

const [sender, receiver, other] = ['pk-e', 'pk-n', 'pk-x'].map((l) => deviceKey(l));
const codeSecret = new Uint8Array(32).fill(7);
const authority = 'bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const content: EnrollmentContent = { authority, epoch: 3, secrets: [[authority, new Uint8Array(32).fill(9)], ['ctx1', new Uint8Array(32).fill(1)], ['ctx2', new Uint8Array(32).fill(2)]] };
const sealed = () => sealPackage(sender!, receiver!.deviceId, codeSecret, content, seededRandom('pkg'));
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof PackageError ? e.code : `untyped:${(e as Error).name}`;
  }
  return 'accepted';
};

describe('enrollment packages', () => {
  it('open to the device they are sealed to, with the sender and content intact', () => {
    const { from, content: got } = openPackage(receiver!, codeSecret, sealed());
    expect(from).toBe(sender!.deviceId);
    expect(got).toEqual(content);
  });

  it('another device, or the right device without the code, cannot open it', () => {
    expect(code(() => openPackage(other!, codeSecret, sealed()))).toBe('NotForUs');
    expect(code(() => openPackage(receiver!, new Uint8Array(32).fill(8), sealed()))).toBe('Forged');
  });

  it('a re-addressed, re-signed or tampered package is refused with a typed error', () => {
    const w = decodeCanonical<Record<string, Uint8Array | string | number>>(sealed());
    // Re-addressed to the attacker's own device: the signature no longer covers it.
    expect(code(() => openPackage(other!, codeSecret, encodeCanonical({ ...w, to: other!.deviceId })))).toBe('BadSignature');
    // Claims another sender: the signature is not theirs.
    expect(code(() => openPackage(receiver!, codeSecret, encodeCanonical({ ...w, from: other!.deviceId })))).toBe('BadSignature');
    const box = (w.box as Uint8Array).slice();
    box[0]! ^= 1;
    expect(code(() => openPackage(receiver!, codeSecret, encodeCanonical({ ...w, box })))).toBe('BadSignature');
    // An onlooker holding the code re-seals its own content to the receiver but cannot sign as the sender.
    const mine = decodeCanonical<Record<string, unknown>>(sealPackage(other!, receiver!.deviceId, codeSecret, content, seededRandom('evil')));
    expect(code(() => openPackage(receiver!, codeSecret, encodeCanonical({ ...mine, from: sender!.deviceId })))).toBe('BadSignature');
    expect(code(() => openPackage(receiver!, codeSecret, new Uint8Array(40_000)))).toBe('TooLarge');
    expect(code(() => openPackage(receiver!, codeSecret, new Uint8Array([0xa1, 0x61])))).toBe('Malformed');
  });

  it('a package without the authority journal\'s secret is refused; confirmations bind device and package', () => {
    const bare = sealPackage(sender!, receiver!.deviceId, codeSecret, { authority, epoch: 0, secrets: [['ctx1', new Uint8Array(32)]] }, seededRandom('bare'));
    expect(code(() => openPackage(receiver!, codeSecret, bare))).toBe('Malformed');
    const pkg = sealed();
    const ok = confirmPackage('enroll', receiver!, sender!.deviceId, pkg);
    expect(isConfirmationOf('enroll', ok, sender!.deviceId, receiver!.deviceId, pkg)).toBe(true);
    expect(isConfirmationOf('enroll', ok, sender!.deviceId, other!.deviceId, pkg)).toBe(false);
    expect(isConfirmationOf('enroll', ok, other!.deviceId, receiver!.deviceId, pkg)).toBe(false);
    expect(isConfirmationOf('enroll', ok, sender!.deviceId, receiver!.deviceId, bare)).toBe(false);
    const forged = decodeCanonical<Record<string, unknown>>(confirmPackage('enroll', other!, sender!.deviceId, pkg));
    expect(isConfirmationOf('enroll', encodeCanonical({ ...forged, from: receiver!.deviceId }), sender!.deviceId, receiver!.deviceId, pkg)).toBe(false);
    // A receipt for another purpose (an invitation's) never counts as an enrollment confirmation.
    expect(isConfirmationOf('enroll', confirmPackage('invite', receiver!, sender!.deviceId, pkg), sender!.deviceId, receiver!.deviceId, pkg)).toBe(false);
    for (const junk of [new Uint8Array(0), new Uint8Array(600), new Uint8Array([0x81, 0x01])]) expect(isConfirmationOf('enroll', junk, sender!.deviceId, receiver!.deviceId, pkg)).toBe(false);
  });

  it('never throws untyped on arbitrary bytes or arbitrary fields (fuzz)', () => {
    const w = decodeCanonical<Record<string, unknown>>(sealed());
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom('v', 'to', 'from', 'eph', 'box', 'sig'), fc.anything(), (junk, field, value) => {
        expect(code(() => openPackage(receiver!, codeSecret, junk))).not.toMatch(/^untyped|accepted/);
        let mutated: Uint8Array;
        try {
          mutated = encodeCanonical({ ...w, [field]: value });
        } catch {
          return;
        }
        expect(code(() => openPackage(receiver!, codeSecret, mutated))).not.toMatch(/^untyped/);
      }),
      { numRuns: 300 },
    );
  });
});
