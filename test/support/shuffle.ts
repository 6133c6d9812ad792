import fc from 'fast-check';

/** Fisher–Yates driven by fast-check's numbers, so failures shrink and replay. */
export function shuffle<T>(xs: readonly T[], rand: readonly number[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand[i % rand.length]! % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const randArb = fc.array(fc.nat(), { minLength: 32, maxLength: 32 });
