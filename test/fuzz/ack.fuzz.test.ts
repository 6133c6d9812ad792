import fc from 'fast-check';
import { describe, it } from 'vitest';
import { AckError, createAck, verifyAck, type AckErrorCode } from '../../src/core/facts/fact-ack.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { linear, typedOutcome } from '../support/typed-outcome.ts';

const CODES: readonly AckErrorCode[] = ['Malformed', 'NonCanonical', 'TooLarge', 'BadSignature', 'WrongNamespace'];
const ns = contextNamespace('ctx-ack-fuzz');
const fact = new Writer(deviceKey('ack-fuzz-alice'), 'alice', ns).fact('chat.channel', { name: 'x' });
const SEEDS = [
  createAck(deviceKey('ack-fuzz-bob'), { ns, fact: fact.id, by: 'bob', at: 42 }),
  createAck(deviceKey('ack-fuzz-carol'), { ns, fact: fact.id, by: 'carol-'.repeat(10), at: Number.MAX_SAFE_INTEGER }),
];

describe('acks from peers: 10 000 hostile inputs', () => {
  it('verifyAck returns an ack or throws a typed AckError, in linear work', () => {
    fc.assert(
      fc.property(cborInputs(SEEDS), (bytes) => typedOutcome(linear(bytes.length, (m) => verifyAck(bytes, ns, m)), AckError, CODES)),
      { numRuns: 10_000 },
    );
  });
});
