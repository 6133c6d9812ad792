import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { decodeFrame, encodeFrame, packBytes, REC_FRAME_OVERHEAD, SyncFrameError, type SyncFrame } from '../../src/protocols/sync/frames.ts';

describe('sync frames', () => {
  it('round-trip', () => {
    const frames: SyncFrame[] = [
      { t: 'open', topic: 'aura/ctx/1/abc', proof: new Uint8Array(32) },
      { t: 'ok' },
      { t: 'deny' },
      { t: 'busy', retry: 1500 },
      { t: 'partial', stored: 3, held: 1, refused: 0 },
      { t: 'rec', m: new Uint8Array([1, 2, 3]), last: true },
      { t: 'rec', m: new Uint8Array([1]), last: false },
      { t: 'get', keys: [new Uint8Array(8)] },
      { t: 'ackreq', keys: [new Uint8Array(8)] },
      { t: 'acks', a: [new Uint8Array([7])], more: true },
      { t: 'facts', f: [new Uint8Array([9])], more: false },
      { t: 'put', f: [] },
      { t: 'bye' },
    ];
    for (const f of frames) expect(decodeFrame(encodeFrame(f))).toEqual(f);
  });

  it('anything else is a typed error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SyncFrameError);
        }
      }),
      { numRuns: 500 },
    );
    expect(() => decodeFrame(encodeCanonical({ t: 'rec', m: 'not bytes', last: true }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'rec', m: new Uint8Array(1) }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'get', keys: [new Uint8Array(32)] }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'ackreq', keys: [new Uint8Array(7)] }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'acks', a: [] }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'bye', extra: 1 }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'open', topic: 'x' }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'busy', retry: -1 }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'busy', retry: 2 ** 40 }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'busy' }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'partial', stored: 1, held: 0 }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'partial', stored: 1.5, held: 0, refused: 0 }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(encodeCanonical({ t: 'open', topic: 'x', proof: new Uint8Array(31) }))).toThrow(SyncFrameError);
    expect(() => decodeFrame(new Uint8Array(17 * 1024))).toThrow(expect.objectContaining({ code: 'TooLarge' }));
    expect(() => encodeFrame({ t: 'put', f: [new Uint8Array(17 * 1024)] })).toThrow(expect.objectContaining({ code: 'TooLarge' }));
  });

  it('a rec frame holds a whole reconciliation message', () => {
    const m = new Uint8Array(16 * 1024 - REC_FRAME_OVERHEAD).fill(2);
    expect(decodeFrame(encodeFrame({ t: 'rec', m, last: false }))).toEqual({ t: 'rec', m, last: false });
  });

  it('packs byte strings into frames under the limit, in order', () => {
    const items = Array.from({ length: 100 }, (_, i) => new Uint8Array(400 + i).fill(i));
    const groups = packBytes(items);
    expect(groups.flat()).toEqual(items);
    for (const g of groups) expect(encodeFrame({ t: 'put', f: g }).length).toBeLessThanOrEqual(16 * 1024);
  });
});
