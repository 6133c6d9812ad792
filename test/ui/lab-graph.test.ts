import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/net/faults.ts';
import type { LabReport } from '../../src/node/lab/lab-types.ts';
import { linkEdges, tabName } from '../../src/ui/lab/lab-graph.ts';

const tab = (device: string, links: LabReport['links'], blocked: string[] = []): LabReport => ({
  v: 1,
  type: 'report',
  device,
  profile: `p-${device}`,
  identity: device === 'c' ? null : { authority: `auth-${device}`, name: device.toUpperCase() },
  relay: 'connected',
  links,
  faults: { ...NO_FAULTS, blocked },
  forwarded: [],
  contexts: [],
  messages: [],
  sessions: [],
});

describe('the lab graph', () => {
  it('an edge per linked pair: direct if either side has it direct, blocked whenever either side blocks', () => {
    const tabs = [
      tab('a', [{ peer: 'b', transport: 'relayed' }, { peer: 'c', transport: 'direct' }], ['b']),
      tab('b', [{ peer: 'a', transport: 'direct' }, { peer: 'c', transport: 'relayed' }]),
      tab('c', [{ peer: 'a', transport: 'relayed' }]),
    ];
    expect(linkEdges(tabs)).toEqual([
      { from: 'a', to: 'b', kind: 'blocked' },
      { from: 'a', to: 'c', kind: 'direct' },
      { from: 'b', to: 'c', kind: 'relayed' },
    ]);
    expect(linkEdges([tab('a', []), tab('b', [])])).toEqual([]);
  });

  it('a tab is named by its person, else its profile; an unknown device by its short id', () => {
    const tabs = [tab('a', []), tab('c', [])];
    expect(tabName(tabs, 'a')).toBe('A');
    expect(tabName(tabs, 'c')).toBe('p-c');
    expect(tabName(tabs, '12D3KooWAbcdefghijklmnop')).toBe('12D3KooW…klmnop');
  });
});
