import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextKey, contextTopic } from '../../src/core/crypto/context-keys.ts';
import { seal } from '../../src/core/crypto/seal.ts';
import { utf8 } from '../../src/core/encoding/bytes.ts';
import { createAcks } from '../../src/core/facts/fact-ack.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { decodePayload, encodeAckEnvelope } from '../../src/core/net/ack-envelope.ts';
import { decodeEnvelope, encodeEnvelope, EnvelopeError, type EnvelopeErrorCode } from '../../src/core/net/gossip-envelope.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { linear, typedOutcome } from '../support/typed-outcome.ts';

const CODES: readonly EnvelopeErrorCode[] = ['Malformed', 'NonCanonical', 'TooLarge', 'UnsupportedVersion'];
const ns = contextNamespace('ctx-envelope-fuzz');
const w = new Writer(deviceKey('envelope-fuzz'), 'alice', ns);
const facts = [w.fact('chat.channel', { name: 'general' }).bytes, w.fact('chat.channel', { name: 'random' }).bytes];
const SEEDS = [encodeEnvelope(facts), encodeAckEnvelope(createAcks(deviceKey('envelope-fuzz-bob'), { ns, facts: ['x'], by: 'bob', at: 1 }))];

const secret = new Uint8Array(32).fill(5);
const channel = new ContextChannel('ctx-envelope-fuzz', secret);
/** Sealed as the context's members would, so the plaintext reaches the envelope decoder. */
const sealed = (plaintext: Uint8Array, nonce: Uint8Array): Uint8Array => seal(contextKey(secret), nonce, plaintext, utf8.encode(contextTopic(secret)));
const nonce = fc.uint8Array({ minLength: 24, maxLength: 24 });

describe('gossip payloads from peers: 10 000 hostile inputs', () => {
  it('decodeEnvelope and decodePayload return or throw a typed EnvelopeError, in linear work', () => {
    fc.assert(
      fc.property(cborInputs(SEEDS), (bytes) => {
        typedOutcome(linear(bytes.length, (m) => decodeEnvelope(bytes, m)), EnvelopeError, CODES);
        typedOutcome(linear(bytes.length, (m) => decodePayload(bytes, m)), EnvelopeError, CODES);
      }),
      { numRuns: 10_000 },
    );
  });

  it('ContextChannel.open returns facts, acks or a drop reason, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: fc.tuple(cborInputs(SEEDS), nonce).map(([p, n]) => sealed(p, n)) }, { weight: 1, arbitrary: cborInputs(SEEDS) }), (payload) => {
        const out = channel.open(payload);
        if ('drop' in out) expect(out.drop).toMatch(/^(sealed|envelope):[A-Za-z]+$/);
        else expect(out.facts.length + out.acks.length).toBeGreaterThan(0);
      }),
      { numRuns: 10_000 },
    );
  });
});
