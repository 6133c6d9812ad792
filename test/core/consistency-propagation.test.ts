import { describe, expect, it } from 'vitest';
import {
  COMPLETE,
  failed,
  InvalidPropagationError,
  isComplete,
  isLocal,
  joinPropagation,
  LOCAL,
  progress,
  syncing,
} from '../../src/core/consistency/propagation.ts';

describe('Propagation', () => {
  it('answers isComplete / isLocal per state', () => {
    expect([LOCAL, syncing(1, 2), COMPLETE, failed(10, 1, 'x')].map(isComplete)).toEqual([false, false, true, false]);
    expect([LOCAL, syncing(1, 2), COMPLETE, failed(10, 1, 'x')].map(isLocal)).toEqual([true, false, false, false]);
  });

  it('reports progress from 0 to 1', () => {
    expect(progress(LOCAL)).toBe(0);
    expect(progress(failed(10, 1, 'x'))).toBe(0);
    expect(progress(syncing(0, 0))).toBe(0);
    expect(progress(syncing(1, 4))).toBe(0.25);
    expect(progress(syncing(3, 3))).toBe(1);
    expect(progress(COMPLETE)).toBe(1);
  });

  it('rejects impossible counts with a typed error', () => {
    expect(() => syncing(3, 2)).toThrow(InvalidPropagationError);
    expect(() => syncing(-1, 2)).toThrow(InvalidPropagationError);
    expect(() => syncing(0, 0x10000)).toThrow(InvalidPropagationError);
    expect(() => syncing(0.5, 2)).toThrow(InvalidPropagationError);
    expect(() => failed(1, -1, 'x')).toThrow(InvalidPropagationError);
    expect(() => failed(1.5, 0, 'x')).toThrow(InvalidPropagationError);
    try {
      syncing(3, 2);
    } catch (e) {
      expect((e as InvalidPropagationError).code).toBe('InvalidPropagation');
    }
  });

  it('orders states Local < Failed < Syncing < Complete', () => {
    const f = failed(99, 7, 'x');
    expect(joinPropagation(LOCAL, f)).toEqual(f);
    expect(joinPropagation(f, syncing(0, 0))).toEqual(syncing(0, 0));
    expect(joinPropagation(syncing(5, 5), COMPLETE)).toEqual(COMPLETE);
    expect(joinPropagation(COMPLETE, LOCAL)).toEqual(COMPLETE);
  });

  it('joins Syncing componentwise', () => {
    expect(joinPropagation(syncing(3, 4), syncing(1, 6))).toEqual(syncing(3, 6));
  });

  it('joins Failed to the latest attempt: retryCount, then retryAt, then error', () => {
    expect(joinPropagation(failed(50, 2, 'a'), failed(10, 3, 'a'))).toEqual(failed(10, 3, 'a'));
    expect(joinPropagation(failed(50, 2, 'a'), failed(10, 2, 'z'))).toEqual(failed(50, 2, 'a'));
    expect(joinPropagation(failed(10, 2, 'a'), failed(10, 2, 'b'))).toEqual(failed(10, 2, 'b'));
  });
});
