import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** src/core must stay pure: nothing from other layers, no I/O, no clock, no randomness of its own. */
const CORE = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/core');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\b/, 'wall clock'],
  [/\bperformance\s*\./, 'clock'],
  [/\bMath\.random\b/, 'randomness'],
  [/\bgetRandomValues\b|\brandomBytes\b|\brandomUUID\b/, 'randomness'],
  [/\bsetTimeout\b|\bsetInterval\b|\bqueueMicrotask\b/, 'timers'],
  [/\bfetch\s*\(|\bXMLHttpRequest\b|\bWebSocket\b/, 'network'],
  [/\bindexedDB\b|\blocalStorage\b|\bsessionStorage\b/, 'storage'],
  [/from\s+'node:|require\(/, 'node built-ins'],
  [/\bparseFloat\b|\btoFixed\b/, 'floating point'],
];

describe('src/core purity', () => {
  const files = sources(CORE);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('imports only from inside src/core or from packages', () => {
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
        const target = resolve(dirname(f), m[1]!);
        expect(relative(CORE, target).startsWith('..'), `${relative(CORE, f)} imports ${m[1]}`).toBe(false);
      }
    }
  });

  it('reads no clock, draws no randomness, performs no I/O', () => {
    for (const f of files) {
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [re, what] of FORBIDDEN) expect(re.test(code), `${relative(CORE, f)} uses ${what}: ${re}`).toBe(false);
    }
  });
});
