import { describe, expect, it } from 'vitest';
import { validateFact } from '../../src/core/facts/validate.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { deviceKey } from '../support/fixtures.ts';

describe('smoke', () => {
  it('genesis validates', () => {
    const g = createGenesis(deviceKey(1), new Uint8Array(16), { wall: 1, logical: 0 }, 'alice');
    const v = validateFact(g.bytes);
    expect(v.id).toBe(g.id);
    expect(v.fact.author).toBe(g.fact.author);
  });
});
