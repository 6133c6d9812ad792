/** Parameters of one store benchmark run; the runner passes them to the page as its query string. */
export interface StoreBenchOptions {
  /** Facts written per measurement. */
  readonly facts: number;
  /** Facts per transaction. */
  readonly batch: number;
  /** Timed rounds; each round measures raw puts and appendFacts once. */
  readonly rounds: number;
}

export const DEFAULT_OPTIONS: StoreBenchOptions = { facts: 10_000, batch: 500, rounds: 7 };

export function toQuery(o: StoreBenchOptions): string {
  return `?facts=${o.facts}&batch=${o.batch}&rounds=${o.rounds}`;
}

export function readOptions(search: string): StoreBenchOptions {
  const q = new URLSearchParams(search);
  const int = (key: keyof StoreBenchOptions): number => {
    const raw = q.get(key);
    if (raw === null) return DEFAULT_OPTIONS[key];
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${key} must be a positive integer, got "${raw}"`);
    return n;
  };
  return { facts: int('facts'), batch: int('batch'), rounds: int('rounds') };
}
