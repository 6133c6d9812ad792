import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCodeText } from '../../src/core/facts/code-text.ts';
import { encodeJoinCode } from '../../src/core/facts/join-code.ts';
import { decodeRendezvousCode, encodeRendezvousCode, RENDEZVOUS_CODE_PREFIX, RendezvousCodeError, type RendezvousCode, type RendezvousCodeErrorCode } from '../../src/core/rendezvous/code.ts';
import { errorCode, linear, typedOutcome } from '../support/typed-outcome.ts';

const NOW = 1_800_000_000_000;
const code: RendezvousCode = { purpose: 'enroll', secret: new Uint8Array(32).fill(3), expires: NOW + 120_000, from: 'Alice’s laptop' };
const text = encodeRendezvousCode(code);
const codeOf = (f: () => unknown) => errorCode(f, RendezvousCodeError);

describe('rendezvous codes', () => {
  it('round-trip, with surrounding whitespace and any letter case', () => {
    expect(decodeRendezvousCode(text, NOW)).toEqual(code);
    expect(decodeRendezvousCode(`  ${text.toUpperCase()}\n`, NOW)).toEqual(code);
    const { from: _from, ...anonymous } = code;
    expect(decodeRendezvousCode(encodeRendezvousCode(anonymous), NOW)).toEqual(anonymous);
  });

  it('refuses, typed: expired, another kind of code, a typo, a well-checksummed value of the wrong shape', () => {
    expect(codeOf(() => decodeRendezvousCode(text, code.expires + 1))).toBe('Expired');
    expect(codeOf(() => decodeRendezvousCode(encodeJoinCode({ context: 'c', secret: new Uint8Array(32) }), NOW))).toBe('NotARendezvousCode');
    const typo = text.slice(0, -3) + (text.at(-3) === 'a' ? 'b' : 'a') + text.slice(-2);
    expect(codeOf(() => decodeRendezvousCode(typo, NOW))).toBe('Corrupt');
    expect(codeOf(() => decodeRendezvousCode(encodeCodeText(RENDEZVOUS_CODE_PREFIX, { v: 1, purpose: 'steal', secret: code.secret, expires: NOW + 1 }), NOW))).toBe('Malformed');
    expect(codeOf(() => decodeRendezvousCode(encodeCodeText(RENDEZVOUS_CODE_PREFIX, { v: 1, purpose: 'enroll', secret: new Uint8Array(31), expires: NOW + 1 }), NOW))).toBe('Malformed');
    expect(codeOf(() => decodeRendezvousCode(RENDEZVOUS_CODE_PREFIX + 'a'.repeat(5_000), NOW))).toBe('Corrupt');
  });

  it('10 000 hostile texts: only typed refusals, in linear work', () => {
    const CODES: readonly RendezvousCodeErrorCode[] = ['NotARendezvousCode', 'Corrupt', 'Malformed', 'Expired'];
    const edited = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 })).map(([at, cut, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    });
    fc.assert(
      fc.property(fc.oneof(edited, fc.string({ maxLength: 80 }).map((s) => RENDEZVOUS_CODE_PREFIX + s), fc.string({ unit: 'binary', maxLength: 80 })), (t) =>
        typedOutcome(linear(t.length, (m) => decodeRendezvousCode(t, NOW, m)), RendezvousCodeError, CODES),
      ),
      { numRuns: 10_000 },
    );
  });
});
