import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { fromHex } from '../../src/core/encoding/bytes.ts';
import { restoreFact } from '../../src/core/facts/stored.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const w = new Writer(deviceKey('stored'), 'auth-stored', contextNamespace('ctx-stored'));
const channel = w.fact('chat.channel', { name: 'general' });
const message = w.fact('chat.message', { channel: channel.id, text: 'hi', ack: false });

describe('restoreFact: stored bytes back to a fact, or null, never a throw', () => {
  it('restores what was stored, without checking the signature again', () => {
    expect(restoreFact(message.id, message.bytes)).toEqual({ id: message.id, fact: message.fact, bytes: message.bytes });
    const resigned = encodeCanonical({ ...message.fact, sig: new Uint8Array(64) });
    expect(restoreFact(message.id, resigned)?.fact.sig).toEqual(new Uint8Array(64));
  });

  it('is null for a record that is not CBOR, not canonical, or a map shaped like a CID link', () => {
    expect(restoreFact(message.id, message.bytes.subarray(0, 40))).toBeNull();
    expect(restoreFact(message.id, Uint8Array.of(0x18, 0x01))).toBeNull();
    expect(restoreFact(message.id, fromHex('a2612f0165627974657301'))).toBeNull();
  });

  it('is null for an envelope missing a field, of an unknown kind, or whose body breaks its kind', () => {
    const { sig: _sig, ...unsigned } = message.fact;
    expect(restoreFact(message.id, encodeCanonical(unsigned))).toBeNull();
    expect(restoreFact(message.id, encodeCanonical({ ...message.fact, kind: 'chat.unknown' }))).toBeNull();
    expect(restoreFact(message.id, encodeCanonical({ ...message.fact, body: { channel: channel.id, text: 7, ack: false } }))).toBeNull();
  });
});
