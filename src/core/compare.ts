/** Total orders used wherever the core must be deterministic. Never locale-dependent. */

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return compareNumbers(a.length, b.length);
}

/** Keys of a map, sorted, so iteration never depends on insertion order. */
export function sortedKeys<K extends string | number, V>(m: ReadonlyMap<K, V>): K[] {
  const keys = [...m.keys()];
  return typeof keys[0] === 'number'
    ? keys.sort((a, b) => compareNumbers(a as number, b as number))
    : keys.sort((a, b) => compareStrings(String(a), String(b)));
}
