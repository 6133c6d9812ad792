import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabReport } from '../../src/node/lab/lab-types.ts';
import { parseLabWire } from '../../src/node/lab/lab-validate.ts';

const report: LabReport = {
  v: 1,
  type: 'report',
  device: '12D3KooWAlice',
  profile: 'alice',
  identity: { authority: 'bafyAlice', name: 'Alice' },
  relay: 'connected',
  links: [{ peer: '12D3KooWBob', transport: 'direct' }],
  faults: { offline: false, blocked: ['12D3KooWCarol'], latencyMs: 200, loss: 50 },
  forwarded: [{ peer: '12D3KooWCarol', via: '12D3KooWBob', received: 3, receipts: 1 }],
  contexts: [{ context: 'context:abc', name: 'crew', facts: 4, digest: 'ff00' }],
  messages: [{ channel: 'crew', id: 'f1', author: 'Alice', text: 'hi', own: true, status: 'Delivered' }],
  sessions: [{ peer: '12D3KooWBob', context: 'abc', state: 'ok', detail: '+1 in · 0 out' }],
};

const reasonOf = (x: unknown): string => {
  const p = parseLabWire(x);
  return p.ok ? 'ok' : p.reason;
};

describe('lab messages from other tabs', () => {
  it('a well-formed report, faults command and heal pass, rebuilt from their checked fields only', () => {
    expect(parseLabWire(report)).toEqual({ ok: true, value: report });
    const extra = { ...report, evil: () => 1, identity: { ...report.identity, admin: true } };
    expect(parseLabWire(extra)).toEqual({ ok: true, value: report });
    expect(parseLabWire({ v: 1, type: 'faults', to: 'd', patch: { offline: true, junk: 1 } })).toEqual({ ok: true, value: { v: 1, type: 'faults', to: 'd', patch: { offline: true } } });
    expect(parseLabWire({ v: 1, type: 'heal', also: 'x' })).toEqual({ ok: true, value: { v: 1, type: 'heal' } });
  });

  it('junk is a typed drop naming what was wrong', () => {
    expect(reasonOf(null)).toBe('shape');
    expect(reasonOf('report')).toBe('shape');
    expect(reasonOf([report])).toBe('shape');
    expect(reasonOf({ ...report, v: 2 })).toBe('version');
    expect(reasonOf({ ...report, type: 'rm -rf' })).toBe('type');
    expect(reasonOf({ ...report, device: 7 })).toBe('device');
    expect(reasonOf({ ...report, device: 'x'.repeat(201) })).toBe('device');
    expect(reasonOf({ ...report, relay: 'maybe' })).toBe('relay');
    expect(reasonOf({ ...report, links: [{ peer: 'b', transport: 'carrier pigeon' }] })).toBe('links.transport');
    expect(reasonOf({ ...report, links: new Array(2_001).fill({ peer: 'b', transport: 'direct' }) })).toBe('links');
    expect(reasonOf({ ...report, faults: { ...report.faults, loss: 1001 } })).toBe('faults.loss');
    expect(reasonOf({ ...report, faults: { ...report.faults, latencyMs: 1.5 } })).toBe('faults.latencyMs');
    expect(reasonOf({ ...report, faults: { ...report.faults, latencyMs: -1 } })).toBe('faults.latencyMs');
    expect(reasonOf({ ...report, faults: { offline: false } })).toBe('faults');
    expect(reasonOf({ ...report, forwarded: [{ peer: 'c', via: 'b', received: -1, receipts: 0 }] })).toBe('forwarded.received');
    expect(reasonOf({ ...report, forwarded: [{ peer: 'c', via: 'b', received: 1 }] })).toBe('forwarded.receipts');
    expect(reasonOf({ ...report, forwarded: [{ peer: 'c', received: 1 }] })).toBe('forwarded.via');
    expect(reasonOf({ ...report, contexts: [{ ...report.contexts[0], facts: Number.NaN }] })).toBe('contexts.facts');
    expect(reasonOf({ ...report, messages: [{ ...report.messages[0], text: 'x'.repeat(501) }] })).toBe('messages.text');
    expect(reasonOf({ ...report, sessions: 'many' })).toBe('sessions');
    expect(reasonOf({ ...report, identity: { authority: 'a' } })).toBe('identity.name');
    expect(reasonOf({ v: 1, type: 'faults', to: 'd', patch: { blocked: 'everyone' } })).toBe('faults.blocked');
    expect(reasonOf({ v: 1, type: 'faults', patch: {} })).toBe('to');
  });

  it('never throws, whatever arrives', () => {
    const mutated = fc.record({ key: fc.constantFrom(...Object.keys(report)), value: fc.anything() }).map(({ key, value }) => ({ ...report, [key]: value }));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated), (x) => {
        const p = parseLabWire(x);
        expect(typeof p.ok).toBe('boolean');
      }),
      { numRuns: 2_000 },
    );
  });
});
