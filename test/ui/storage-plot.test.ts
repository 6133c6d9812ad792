import { describe, expect, it } from 'vitest';
import { plotSeries } from '../../src/ui/maintenance/storage-plot-series.ts';

const MB = 1024 * 1024;

describe('the storage plot`s series (Maintenance → Storage)', () => {
  it('plots the browser`s estimate in MB, skipping samples without one', () => {
    const s = plotSeries([
      { at: 1, usage: 2 * MB, quota: 10 * MB, facts: 5, snapshotBytes: 0 },
      { at: 2, usage: null, quota: null, facts: 6, snapshotBytes: 0 },
      { at: 3, usage: 3 * MB, quota: 10 * MB, facts: 7, snapshotBytes: 0 },
    ]);
    expect(s).toEqual({ unit: 'MB', points: [[1, 2], [3, 3]] });
  });

  it('plots the facts held where the browser never gave an estimate', () => {
    expect(plotSeries([{ at: 1, usage: null, quota: null, facts: 5, snapshotBytes: 0 }])).toEqual({ unit: 'facts', points: [[1, 5]] });
    expect(plotSeries([])).toEqual({ unit: 'facts', points: [] });
  });
});
