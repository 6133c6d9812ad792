import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createAcks, MAX_ACK_BYTES, MAX_ACK_FACTS, verifyAck } from '../../src/core/facts/fact-ack.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { decodePayload, encodeAckEnvelope, MAX_ENVELOPE_ACKS } from '../../src/core/net/ack-envelope.ts';
import { encodeEnvelope, MAX_ENVELOPE_BYTES } from '../../src/core/net/gossip-envelope.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('ack-ctx');
const bob = deviceKey('ack-bob');
const alice = new Writer(deviceKey('ack-alice'), 'alice', ns);
const facts = Array.from({ length: 2 * MAX_ACK_FACTS + 3 }, (_, i) => alice.fact('chat.channel', { name: `c${i}` }));
const fact = facts[0]!;
const ids = facts.map((f) => f.id);
const ack = () => createAcks(bob, { ns, facts: [fact.id], by: 'bob', at: 42 })[0]!;
/** An ack's fields with any fact list, signed with zeros: the checks before the signature judge it. */
const raw = (list: readonly string[]) => encodeCanonical({ v: 2, ns, facts: list, by: 'bob', device: bob.deviceId, at: 1, sig: new Uint8Array(64) });

describe('FactAck', () => {
  it('round-trips and names who acked which facts, when, from which device', () => {
    expect(verifyAck(ack(), ns)).toMatchObject({ facts: [fact.id], by: 'bob', device: bob.deviceId, at: 42 });
  });

  it('covers many facts with one signature: sorted, deduplicated, at most MAX_ACK_FACTS per ack', () => {
    const acks = createAcks(bob, { ns, facts: [...ids].reverse().concat(ids.slice(0, 5)), by: 'bob', at: 7 });
    expect(acks).toHaveLength(3);
    const named = acks.map((a) => verifyAck(a, ns).facts);
    expect(named.map((n) => n.length)).toEqual([MAX_ACK_FACTS, MAX_ACK_FACTS, 3]);
    expect(named.flat()).toEqual([...ids].sort());
  });

  it('the largest ack (MAX_ACK_FACTS facts, longest namespace and authority) fits MAX_ACK_BYTES, and a full envelope of them one sealed payload', () => {
    const longNs = contextNamespace('x'.repeat(160 - contextNamespace('').length));
    const [big] = createAcks(bob, { ns: longNs, facts: ids.slice(0, MAX_ACK_FACTS), by: 'b'.repeat(128), at: Number.MAX_SAFE_INTEGER - 1 });
    expect(big!.length).toBeLessThanOrEqual(MAX_ACK_BYTES);
    expect(verifyAck(big!, longNs).facts).toHaveLength(MAX_ACK_FACTS);
    expect(encodeAckEnvelope(Array.from({ length: MAX_ENVELOPE_ACKS }, () => big!)).length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
  });

  it('refuses a forged, misaddressed, malformed or oversized ack with a typed error', () => {
    const forged = ack();
    forged[forged.length - 3]! ^= 1;
    expect(() => verifyAck(forged, ns)).toThrow(expect.objectContaining({ code: 'BadSignature' }));
    expect(() => verifyAck(ack(), contextNamespace('other'))).toThrow(expect.objectContaining({ code: 'WrongNamespace' }));
    expect(() => verifyAck(encodeCanonical({ v: 2 }), ns)).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => verifyAck(new Uint8Array(MAX_ACK_BYTES + 1), ns)).toThrow(expect.objectContaining({ code: 'TooLarge' }));
  });

  it('refuses a batch whose facts are unordered, repeated, empty or more than MAX_ACK_FACTS, before any signature work', () => {
    const [a, b] = [...ids].sort();
    expect(() => verifyAck(raw([b!, a!]), ns)).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => verifyAck(raw([a!, a!]), ns)).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => verifyAck(raw([]), ns)).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => verifyAck(raw([...ids].sort().slice(0, MAX_ACK_FACTS + 1)), ns)).toThrow(expect.objectContaining({ code: expect.stringMatching(/Malformed|TooLarge/) }));
    // The same list in order passes these checks and fails only on the (zero) signature.
    expect(() => verifyAck(raw([a!, b!]), ns)).toThrow(expect.objectContaining({ code: 'BadSignature' }));
  });

  it('travels in its own envelope beside fact envelopes', () => {
    expect(decodePayload(encodeAckEnvelope([ack()])).acks).toHaveLength(1);
    expect(decodePayload(encodeEnvelope([fact.bytes])).facts).toHaveLength(1);
    expect(() => decodePayload(encodeCanonical({ v: 1, acks: [] }))).toThrow(expect.objectContaining({ code: 'Malformed' }));
    expect(() => decodePayload(encodeCanonical({ v: 2, acks: [new Uint8Array(1)] }))).toThrow(expect.objectContaining({ code: 'UnsupportedVersion' }));
  });
});
