import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createOffer, MAX_OFFER_TTL_MS, OfferError, rendezvousTopic, verifyOffer, type Offer, type OfferErrorCode } from '../../src/core/rendezvous/offer.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { deviceKey } from '../support/fixtures.ts';
import { errorCode, linear, typedOutcome } from '../support/typed-outcome.ts';

const NOW = 1_800_000_000_000;
const secret = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);
const alice = deviceKey('rdv-alice');
const content = { purpose: 'enroll' as const, addrs: ['/ip4/127.0.0.1/tcp/9090/ws/p2p-circuit/webrtc'], expires: NOW + 60_000, nonce: new Uint8Array(16).fill(1) };
const good = createOffer(alice, secret, content);
const codeOf = (f: () => unknown) => errorCode(f, OfferError);
/** The offer with some fields replaced, re-encoded (its MAC and signature no longer match). */
const edited = (patch: Partial<Offer>) => encodeCanonical({ ...decodeCanonical<Offer>(good), ...patch }).slice();

describe('rendezvous offers', () => {
  it('a holder of the code verifies an offer signed by the device it names', () => {
    const o = verifyOffer(good, secret, NOW);
    expect([o.device, o.purpose, o.addrs, o.expires]).toEqual([alice.deviceId, 'enroll', content.addrs, content.expires]);
  });

  it('the topic depends only on the secret and reveals none of it', () => {
    expect(rendezvousTopic(secret)).toBe(rendezvousTopic(new Uint8Array(32).fill(7)));
    expect(rendezvousTopic(secret)).not.toBe(rendezvousTopic(other));
    expect(rendezvousTopic(secret)).toMatch(/^aura\/rdv\/1\/[0-9a-f]{32}$/);
    expect(() => rendezvousTopic(new Uint8Array(16))).toThrow(RangeError);
  });

  it('refuses, typed: another code, a forged or redirected offer, expired, claiming too long a life', () => {
    expect(codeOf(() => verifyOffer(good, other, NOW))).toBe('WrongSecret');
    // An onlooker who holds no code cannot redirect an offer to its own address…
    expect(codeOf(() => verifyOffer(edited({ addrs: ['/ip4/6.6.6.6/tcp/1'] }), secret, NOW))).toBe('WrongSecret');
    // …and a code holder cannot speak for another device: the MAC is right, the signature is not.
    const mallory = deviceKey('rdv-mallory');
    const claimed = decodeCanonical<Offer>(createOffer(mallory, secret, content));
    expect(codeOf(() => verifyOffer(encodeCanonical({ ...claimed, device: alice.deviceId }).slice(), secret, NOW))).toBe('WrongSecret');
    const resigned = decodeCanonical<Offer>(createOffer(alice, secret, content));
    expect(codeOf(() => verifyOffer(encodeCanonical({ ...resigned, sig: claimed.sig }).slice(), secret, NOW))).toBe('BadSignature');
    expect(codeOf(() => verifyOffer(good, secret, content.expires + 1))).toBe('Expired');
    const longLived = createOffer(alice, secret, { ...content, expires: NOW + MAX_OFFER_TTL_MS + 10 * 60_000 });
    expect(codeOf(() => verifyOffer(longLived, secret, NOW))).toBe('TooFarAhead');
    expect(codeOf(() => verifyOffer(new Uint8Array(5000), secret, NOW))).toBe('TooLarge');
    expect(codeOf(() => verifyOffer(edited({ v: 2 } as unknown as Partial<Offer>), secret, NOW))).toBe('Malformed');
  });

  it('10 000 hostile inputs: only typed refusals, in linear work', () => {
    const CODES: readonly OfferErrorCode[] = ['TooLarge', 'Malformed', 'NonCanonical', 'BadSignature', 'WrongSecret', 'Expired', 'TooFarAhead'];
    fc.assert(
      fc.property(cborInputs([good]), (bytes) => typedOutcome(linear(bytes.length, (m) => verifyOffer(bytes, secret, NOW, m)), OfferError, CODES)),
      { numRuns: 10_000 },
    );
  });
});
