import fc from 'fast-check';
import { describe, it } from 'vitest';
import { decodeFrame, encodeFrame, SyncFrameError, type SyncFrame } from '../../src/protocols/sync/frames.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { linear, typedOutcome } from '../support/typed-outcome.ts';

const key = Uint8Array.from({ length: 8 }, (_, i) => i);
const FRAMES: SyncFrame[] = [
  { t: 'open', topic: 'aura/ctx/1/abc', proof: new Uint8Array(32).fill(7) },
  { t: 'ok' },
  { t: 'rec', m: Uint8Array.of(2, 0, 1, 0), last: true },
  { t: 'get', keys: [key, key] },
  { t: 'facts', f: [new Uint8Array(20).fill(1)], more: false },
  { t: 'put', f: [new Uint8Array(3)] },
  { t: 'ackreq', keys: [key] },
  { t: 'acks', a: [new Uint8Array(5)], more: true },
  { t: 'bye' },
];

describe('sync frames from peers: 10 000 hostile inputs', () => {
  it('decodeFrame returns a frame or throws a typed SyncFrameError, in linear work', () => {
    fc.assert(
      fc.property(cborInputs(FRAMES.map(encodeFrame)), (bytes) => typedOutcome(linear(bytes.length, (m) => decodeFrame(bytes, m)), SyncFrameError, ['Malformed', 'TooLarge'])),
      { numRuns: 10_000 },
    );
  });
});
