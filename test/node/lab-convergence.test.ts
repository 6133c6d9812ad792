import { describe, expect, it } from 'vitest';
import { chaosPlan } from '../../src/node/lab/chaos.ts';
import { convergedSince, convergence } from '../../src/node/lab/convergence.ts';
import { factDigest } from '../../src/node/lab/lab-report.ts';

const tab = (...contexts: [string, string[]][]) => ({ contexts: contexts.map(([context, ids]) => ({ context, name: null, facts: ids.length, digest: factDigest(ids) })) });

describe('convergence of the tabs', () => {
  it('tabs holding the same fact ids in every shared context have converged, in whatever order they hold them', () => {
    expect(convergence([tab(['c1', ['a', 'b']], ['mine', ['x']]), tab(['c1', ['b', 'a']], ['theirs', ['y']])])).toEqual({ converged: true, diverged: [] });
  });

  it('equal counts are not enough: other facts in one shared context diverge, named', () => {
    const c = convergence([tab(['c1', ['a', 'b']], ['c2', ['z']]), tab(['c1', ['a', 'c']], ['c2', ['z']]), tab(['c2', ['z']])]);
    expect(c).toEqual({ converged: false, diverged: ['c1'] });
  });

  it('a tab missing a fact the others hold diverges', () => {
    expect(convergence([tab(['c1', ['a', 'b']]), tab(['c1', ['a']]), tab(['c1', ['a', 'b']])]).diverged).toEqual(['c1']);
  });

  it('"since" is set when the tabs converge, kept while they stay so, and cleared when they part', () => {
    expect(convergedSince(null, true, 100)).toBe(100);
    expect(convergedSince(100, true, 900)).toBe(100);
    expect(convergedSince(100, false, 1000)).toBeNull();
    expect(convergedSince(null, true, 1200)).toBe(1200);
  });

  it('the digest is exact: one id more or another id changes it', () => {
    expect(factDigest(['a', 'b'])).not.toBe(factDigest(['a', 'b', 'c']));
    expect(factDigest(['a', 'b'])).not.toBe(factDigest(['a', 'c']));
    expect(factDigest(['ab'])).not.toBe(factDigest(['a', 'b']));
  });
});

describe('chaos', () => {
  it('a seed repeats its run whatever order the tabs reported in; another seed is another run', () => {
    const a = chaosPlan(42, ['d1', 'd2', 'd3'], 10_000);
    expect(chaosPlan(42, ['d3', 'd1', 'd2'], 10_000)).toEqual(a);
    expect(chaosPlan(43, ['d1', 'd2', 'd3'], 10_000)).not.toEqual(a);
    expect(a).toHaveLength(10);
    for (const s of a) {
      expect(['d1', 'd2', 'd3']).toContain(s.device);
      // A tab is never partitioned from itself.
      expect(s.patch.blocked ?? []).not.toContain(s.device);
      if (s.patch.loss !== undefined) expect(s.patch.loss).toBeLessThanOrEqual(1000);
    }
    expect(chaosPlan(1, [], 5_000)).toEqual([]);
  });
});
