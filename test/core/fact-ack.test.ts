import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createAck, verifyAck } from '../../src/core/facts/fact-ack.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { decodePayload, encodeAckEnvelope } from '../../src/core/net/ack-envelope.ts';
import { encodeEnvelope } from '../../src/core/net/gossip-envelope.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('ack-ctx');
const bob = deviceKey('ack-bob');
const fact = new Writer(deviceKey('ack-alice'), 'alice', ns).fact('chat.channel', { name: 'x' });
const ack = () => createAck(bob, { ns, fact: fact.id, by: 'bob', at: 42 });

describe('FactAck', () => {
  it('round-trips and names who acked what, when, from which device', () => {
    expect(verifyAck(ack(), ns)).toMatchObject({ fact: fact.id, by: 'bob', device: bob.deviceId, at: 42 });
  });
  it('refuses a forged, misaddressed, malformed or oversized ack with a typed error', () => {
    const forged = ack();
    forged[forged.length - 3]! ^= 1;
    expect(() => verifyAck(forged, ns)).toThrow(expect.objectContaining({ code: 'BadSignature' }));
    expect(() => verifyAck(ack(), contextNamespace('other'))).toThrow(expect.objectContaining({ code: 'WrongNamespace' }));
    expect(() => verifyAck(encodeCanonical({ v: 1 }), ns)).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => verifyAck(new Uint8Array(600), ns)).toThrow(expect.objectContaining({ code: 'TooLarge' }));
  });
  it('travels in its own envelope beside fact envelopes', () => {
    expect(decodePayload(encodeAckEnvelope([ack()])).acks).toHaveLength(1);
    expect(decodePayload(encodeEnvelope([fact.bytes])).facts).toHaveLength(1);
    expect(() => decodePayload(encodeCanonical({ v: 1, acks: [] }))).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => decodePayload(encodeCanonical({ v: 2, acks: [new Uint8Array(1)] }))).toThrow(expect.objectContaining({ code: 'UnsupportedVersion' }));
  });
});
