import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { sign } from '../../src/core/crypto/ed25519.ts';
import { MAX_SEALED_BYTES as SEAL_MAX_SEALED_BYTES, SEAL_OVERHEAD } from '../../src/core/crypto/seal.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createAcks, MAX_ACK_BYTES as ACK_MAX_ACK_BYTES, verifyAck } from '../../src/core/facts/fact-ack.ts';
import { FACT_VERSION, MAX_FACT_BYTES as FACT_MAX_FACT_BYTES, type Fact } from '../../src/core/facts/fact.ts';
import type { Hlc } from '../../src/core/facts/hlc.ts';
import { signingBytes } from '../../src/core/facts/signing.ts';
import { validateFact } from '../../src/core/facts/validate.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import * as limits from '../../src/core/limits.ts';
import { MAX_ENVELOPE_BYTES, MAX_ENVELOPE_FACTS as ENVELOPE_MAX_ENVELOPE_FACTS } from '../../src/core/net/gossip-envelope.ts';
import { ItemSet, KEY_BYTES, MAX_ITEM_TIME, Reconciler, respond, syncItemOf, type SyncItem } from '../../src/core/sync/index.ts';
import { MAX_FRAME_BYTES as FRAME_MAX_FRAME_BYTES } from '../../src/net/frame-channel.ts';
import { deviceKey } from '../support/fixtures.ts';

const { MAX_LOGICAL, MAX_WALL_TIME } = limits;
const alice = deviceKey('limits-alice');
const ns = contextNamespace('limits-ctx');

function signedAt(time: Hlc): Uint8Array {
  const unsigned = { v: FACT_VERSION, ns, kind: 'chat.channel', author: 'alice', device: alice.deviceId, time, body: { name: 'x' } } as Omit<Fact, 'sig'>;
  return encodeCanonical({ ...unsigned, sig: sign(signingBytes(unsigned), alice.secretKey) });
}

/** The keys a replica holding nothing needs from one holding `items`, through serialised sync rounds. */
function needed(items: readonly SyncItem[]): Uint8Array[] {
  const r = new Reconciler(new ItemSet());
  const theirs = ItemSet.from(items);
  const need: Uint8Array[] = [];
  for (let round: Uint8Array[] | null = r.initiate(); round; ) {
    const res = r.reconcile(respond(theirs, round));
    need.push(...res.need);
    round = res.next;
  }
  return need;
}

describe('every limit is defined once, in core/limits.ts', () => {
  it('the old export names are the numbers limits.ts defines', () => {
    expect(FACT_MAX_FACT_BYTES).toBe(limits.MAX_FACT_BYTES);
    expect(FRAME_MAX_FRAME_BYTES).toBe(limits.MAX_FRAME_BYTES);
    expect(SEAL_MAX_SEALED_BYTES).toBe(limits.MAX_SEALED_BYTES);
    expect(ENVELOPE_MAX_ENVELOPE_FACTS).toBe(limits.MAX_ENVELOPE_FACTS);
    expect(ACK_MAX_ACK_BYTES).toBe(limits.MAX_ACK_BYTES);
    expect(MAX_ITEM_TIME).toBe(MAX_WALL_TIME);
  });

  it('the limits fit together: a fact fits a frame and a sealed envelope; the largest time leaves the wire code and the carry exact', () => {
    expect(limits.MAX_FACT_BYTES).toBeLessThan(limits.MAX_FRAME_BYTES);
    expect(limits.MAX_FACT_BYTES).toBeLessThan(MAX_ENVELOPE_BYTES);
    expect(MAX_ENVELOPE_BYTES + SEAL_OVERHEAD).toBe(limits.MAX_SEALED_BYTES);
    expect(Number.isSafeInteger(MAX_WALL_TIME + 1)).toBe(true);
    expect(MAX_LOGICAL).toBe(2 ** 32 - 1);
    expect(limits.CLOCK_SKEW_BOUND_MS).toBe(120_000);
  });
});

describe('validation and sync agree on the largest valid time', () => {
  it('a fact at exactly (MAX_WALL_TIME, MAX_LOGICAL) validates, gets a sync item and reconciles', () => {
    const f = validateFact(signedAt({ wall: MAX_WALL_TIME, logical: MAX_LOGICAL }));
    const item = syncItemOf(f.id, f.fact.time.wall);
    expect(item.time).toBe(MAX_WALL_TIME);
    const other = { time: 1, id: sha256(Uint8Array.of(1)) };
    const keys = (ids: readonly Uint8Array[]) => ids.map((id) => toHex(id.subarray(0, KEY_BYTES))).sort();
    expect(keys(needed([other, item]))).toEqual(keys([other.id, item.id]));
  });

  it('one above either maximum is refused by validation with a typed FactValidationError, and by sync', () => {
    for (const time of [{ wall: MAX_WALL_TIME + 1, logical: 0 }, { wall: 1, logical: MAX_LOGICAL + 1 }]) {
      expect(() => validateFact(signedAt(time))).toThrow(expect.objectContaining({ name: 'FactValidationError', code: 'Malformed' }));
    }
    expect(() => syncItemOf(validateFact(signedAt({ wall: 1, logical: 0 })).id, MAX_WALL_TIME + 1)).toThrow(RangeError);
  });

  it('acks carry times under the same limit', () => {
    const ack = (at: number) => createAcks(alice, { ns, facts: [validateFact(signedAt({ wall: 1, logical: 0 })).id], by: 'alice', at })[0]!;
    expect(verifyAck(ack(MAX_WALL_TIME), ns).at).toBe(MAX_WALL_TIME);
    expect(() => verifyAck(ack(MAX_WALL_TIME + 1), ns)).toThrow(expect.objectContaining({ name: 'AckError', code: 'Malformed' }));
  });
});
