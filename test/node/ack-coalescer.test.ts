import { describe, expect, it } from 'vitest';
import type { AuthorityId, ContextId, FactId } from '../../src/core/ids.ts';
import { MAX_ACK_FACTS } from '../../src/core/limits.ts';
import { AckCoalescer } from '../../src/node/acks/ack-coalescer.ts';

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `fact-${from + i}` as FactId);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AckCoalescer', () => {
  it('acks owed across many small batches go out as whole acks at once, the remainder after the delay, per context', async () => {
    const sent: { context: string; facts: readonly FactId[]; authors: readonly AuthorityId[] }[] = [];
    const c = new AckCoalescer(async (context, facts, authors) => void sent.push({ context, facts, authors }), 30);
    // 150 facts in frames of 24, as a sync session hands them over; another context beside.
    for (let i = 0; i < 150; i += 24) await c.add('ctx-1' as ContextId, ids(i, Math.min(24, 150 - i)), ['alice' as AuthorityId]);
    await c.add('ctx-2' as ContextId, ids(1000, 3), ['bob' as AuthorityId]);
    expect(sent.map((s) => s.facts.length)).toEqual([MAX_ACK_FACTS, MAX_ACK_FACTS]);
    await settle(80);
    expect(sent.map((s) => [s.context, s.facts.length])).toEqual([
      ['ctx-1', 64],
      ['ctx-1', 64],
      ['ctx-1', 22],
      ['ctx-2', 3],
    ]);
    expect(sent.flatMap((s) => (s.context === 'ctx-1' ? s.facts : []))).toEqual(ids(0, 150));
    expect(sent[3]!.authors).toEqual(['bob']);
  });

  it('stop drops what is owed (the author asks for it in its next sync session) and sends nothing later', async () => {
    const sent: number[] = [];
    const c = new AckCoalescer(async (_, facts) => void sent.push(facts.length), 20);
    await c.add('ctx' as ContextId, ids(0, 5), []);
    c.stop();
    await settle(50);
    expect(sent).toEqual([]);
  });
});
