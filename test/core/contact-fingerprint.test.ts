import { describe, expect, it } from 'vitest';
import { contactFingerprint } from '../../src/core/rendezvous/fingerprint.ts';

describe('contact fingerprints', () => {
  it('are the same on both sides, differ for another pair, and read as five groups of four hex digits', () => {
    const [a, b, c] = ['bafy-alice', 'bafy-bob', 'bafy-carol'];
    expect(contactFingerprint(a, b)).toBe(contactFingerprint(b, a));
    expect(contactFingerprint(a, b)).not.toBe(contactFingerprint(a, c));
    expect(contactFingerprint(a, b)).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);
  });
});
