import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsensusWireError, decodeConsensusMessage, encodeConsensusMessage, type ConsensusMessage, type ConsensusWireErrorCode } from '../../src/protocols/consensus/wire.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { linear, typedOutcome } from '../support/typed-outcome.ts';

const CODES: readonly ConsensusWireErrorCode[] = ['TooLarge', 'Malformed', 'NonCanonical'];
const id = (n: number) => n.toString(16).padStart(2, '0').padEnd(64, '0');
const commitment = (n: number) => ({ identifier: id(n), hiding: new Uint8Array(32).fill(n), binding: new Uint8Array(32).fill(n + 1) });
const MESSAGES: ConsensusMessage[] = [
  { type: 'nonces', ns: 'context:ctx-consensus', witness: id(1), commitments: [commitment(1), commitment(2)] },
  {
    type: 'execute',
    ns: 'authority:bafyreigh2akiscaildc',
    decision: { consensusId: 'cons-1', prestateHash: 'ab'.repeat(32), covers: ['bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'] },
    commitments: [commitment(1), commitment(3)],
  },
  { type: 'share', ns: 'context:ctx-consensus', session: 'cd'.repeat(32), participant: id(3), share: new Uint8Array(32).fill(9) },
];
const SEEDS = MESSAGES.map(encodeConsensusMessage);

describe('consensus messages from peers: 10 000 hostile inputs', () => {
  it('every message we write decodes to itself', () => {
    for (const [k, m] of MESSAGES.entries()) expect(decodeConsensusMessage(SEEDS[k]!)).toEqual(m);
  });

  it('decodeConsensusMessage returns a message or throws a typed ConsensusWireError, in linear work', () => {
    fc.assert(
      fc.property(cborInputs(SEEDS), (bytes) => typedOutcome(linear(bytes.length, (m) => decodeConsensusMessage(bytes, m)), ConsensusWireError, CODES)),
      { numRuns: 10_000 },
    );
  });

  it('refuses unknown fields, wrong lengths, unknown types and oversize input, typed', () => {
    const bad: unknown[] = [
      { ...MESSAGES[2]!, extra: 1 },
      { ...MESSAGES[2]!, share: new Uint8Array(31) },
      { ...MESSAGES[2]!, type: 'commit' },
      { ...MESSAGES[0]!, commitments: [] },
      { ...MESSAGES[0]!, ns: 'other:x-namespace' },
    ];
    for (const b of bad) expect(() => decodeConsensusMessage(encodeConsensusMessage(b as ConsensusMessage))).toThrow(expect.objectContaining({ name: 'ConsensusWireError', code: 'Malformed' }));
    expect(() => decodeConsensusMessage(new Uint8Array(70_000))).toThrow(expect.objectContaining({ code: 'TooLarge' }));
  });
});
