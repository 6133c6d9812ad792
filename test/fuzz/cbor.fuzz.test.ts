import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { decodeCanonical, DecodeError, encodeCanonical, type WorkMeter } from '../../src/core/encoding/cbor.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { cborInputs, dataModelValue } from '../support/cbor-arbitrary.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { typedOutcome } from '../support/typed-outcome.ts';

const w = new Writer(deviceKey('cbor-fuzz'), 'auth-cbor-fuzz', contextNamespace('ctx-cbor-fuzz'));
const SEEDS = [
  w.fact('chat.message', { channel: 'c', text: 'hello', ack: true }).bytes,
  w.fact('proposal.create', { subject: 's', operation: 'o', args: ['x'], rule: { type: 'Threshold', required: 2 }, voters: ['a', 'b'], expiresAt: 9 }).bytes,
  encodeCanonical({ v: 1, facts: [new Uint8Array([1, 2]), new Uint8Array(40)], n: -5, z: null, t: true, s: '\uFEFFé😀' }),
];

describe('decodeCanonical on 10 000 hostile inputs', () => {
  it('only ever throws DecodeError, works at most 3 steps per byte, and accepts only bytes it would write itself', () => {
    fc.assert(
      fc.property(cborInputs(SEEDS), (bytes) => {
        const meter: WorkMeter = { steps: 0 };
        let decoded: { value: unknown } | undefined;
        typedOutcome(() => (decoded = { value: decodeCanonical(bytes, meter) }), DecodeError, ['Malformed', 'NonCanonical']);
        expect(meter.steps).toBeLessThanOrEqual(3 * bytes.length + 1);
        if (decoded) expect(toHex(encodeCanonical(decoded.value))).toBe(toHex(bytes));
      }),
      { numRuns: 10_000 },
    );
  });

  it('every value we encode decodes to itself and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(dataModelValue, (v) => {
        const bytes = encodeCanonical(v);
        const back = decodeCanonical(bytes);
        expect(back).toEqual(v);
        expect(toHex(encodeCanonical(back))).toBe(toHex(bytes));
      }),
      { numRuns: 2_000 },
    );
  });
});
