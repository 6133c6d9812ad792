import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { isValidMemberBinding, MEMBER_BINDING } from '../../src/core/reduce/membership.ts';
import type { Binding } from '../../src/core/reduce/relational.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const key = deviceKey('membership-fuzz');
const genesis = createGenesis(key, new Uint8Array(16).fill(4), { wall: 1_700_000_000_000, logical: 0 }, 'member');
const other = createGenesis(deviceKey('membership-fuzz-other'), new Uint8Array(16), { wall: 1, logical: 0 });
const SEEDS = [genesis.bytes, other.bytes, new Writer(key, genesis.fact.author, contextNamespace('ctx-m')).fact('chat.channel', { name: 'x' }).bytes];

let next = 0;
/** A self-join binding by the genesis author from its device, carrying `data`; a fresh id each time, past the memo. */
const binding = (data: Uint8Array): Binding => ({
  stamp: { id: `binding-${next++}`, time: { wall: 2, logical: 0, device: key.deviceId } },
  author: genesis.fact.author,
  bindingType: MEMBER_BINDING,
  authorities: [genesis.fact.author],
  data: toHex(data),
});

describe('member bindings from peers: 10 000 hostile genesis proofs', () => {
  it('isValidMemberBinding answers true or false and never throws; only the real genesis is a proof', () => {
    expect(isValidMemberBinding(binding(genesis.bytes))).toBe(true);
    fc.assert(
      fc.property(cborInputs(SEEDS), (data) => {
        expect(isValidMemberBinding(binding(data))).toBe(toHex(data) === toHex(genesis.bytes));
      }),
      { numRuns: 10_000 },
    );
  });
});
