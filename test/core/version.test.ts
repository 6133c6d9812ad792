import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_VERSION_PART } from '../../src/core/limits.ts';
import { BASELINE_VERSION, compareVersions, formatVersion, parseVersion, PROTOCOL_VERSION, versionFromWire, versionToWire } from '../../src/core/version.ts';

const part = fc.integer({ min: 0, max: MAX_VERSION_PART });
const ver = fc.record({ major: part, minor: part, patch: part });

describe('protocol versions', () => {
  it('compare by major, then minor, then patch; a total order consistent with equality', () => {
    expect(compareVersions({ major: 1, minor: 10, patch: 0 }, { major: 1, minor: 9, patch: 99 })).toBeGreaterThan(0);
    expect(compareVersions({ major: 2, minor: 0, patch: 0 }, { major: 1, minor: 99, patch: 99 })).toBeGreaterThan(0);
    expect(compareVersions(BASELINE_VERSION, PROTOCOL_VERSION)).toBeLessThan(0);
    fc.assert(
      fc.property(ver, ver, ver, (a, b, c) => {
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
        expect(compareVersions(a, b) === 0).toBe(formatVersion(a) === formatVersion(b));
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('round-trip through text and the wire; anything else is null, never a throw', () => {
    fc.assert(
      fc.property(ver, (a) => {
        expect(parseVersion(formatVersion(a))).toEqual(a);
        expect(versionFromWire(versionToWire(a))).toEqual(a);
      }),
    );
    for (const bad of ['1.0', '1.0.0.0', '-1.0.0', '1.0.x', '65536.0.0', ' 1.0.0', '1.0.0 ', '', '1e3.0.0']) expect(parseVersion(bad), bad).toBeNull();
    for (const bad of [null, [1, 0], [1, 0, 0, 0], [1, 0, -1], [1, 0, 1.5], [1, 0, 65_536], ['1', 0, 0], { major: 1, minor: 0, patch: 0 }]) expect(versionFromWire(bad)).toBeNull();
  });
});
