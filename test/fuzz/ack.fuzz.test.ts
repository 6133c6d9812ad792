import fc from 'fast-check';
import { describe, it } from 'vitest';
import { AckError, createAcks, MAX_ACK_FACTS, verifyAck, type AckErrorCode } from '../../src/core/facts/fact-ack.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { linear, typedOutcome } from '../support/typed-outcome.ts';

const CODES: readonly AckErrorCode[] = ['Malformed', 'NonCanonical', 'TooLarge', 'BadSignature', 'WrongNamespace'];
const ns = contextNamespace('ctx-ack-fuzz');
const alice = new Writer(deviceKey('ack-fuzz-alice'), 'alice', ns);
const ids = Array.from({ length: MAX_ACK_FACTS }, (_, i) => alice.fact('chat.channel', { name: `x${i}` }).id);
// Seeds: a one-fact ack, a full batch (mutations reorder, repeat, drop and add its facts), one in between.
const SEEDS = [
  ...createAcks(deviceKey('ack-fuzz-bob'), { ns, facts: ids.slice(0, 1), by: 'bob', at: 42 }),
  ...createAcks(deviceKey('ack-fuzz-carol'), { ns, facts: ids, by: 'carol-'.repeat(10), at: Number.MAX_SAFE_INTEGER }),
  ...createAcks(deviceKey('ack-fuzz-dave'), { ns, facts: ids.slice(3, 9), by: 'dave', at: 1 }),
];

describe('acks from peers: 10 000 hostile inputs', () => {
  it('verifyAck (batches too) returns an ack or throws a typed AckError, in linear work', () => {
    fc.assert(
      fc.property(cborInputs(SEEDS), (bytes) => typedOutcome(linear(bytes.length, (m) => verifyAck(bytes, ns, m)), AckError, CODES)),
      { numRuns: 10_000 },
    );
  });
});
