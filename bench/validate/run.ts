import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as current from '../../src/core/facts/validate.ts';
import * as currentNode from '../../src/node/webcrypto-verify.ts';
import { mixedFacts } from '../../test/support/mixed-facts.ts';
import { median, report } from '../report.ts';

/**
 * Fact validation throughput, this tree against a baseline commit (default: the last commit before the
 * hostile-peers hardening), measured in one process with interleaved runs so machine noise hits both alike.
 * Run: `npm run bench:validate` (BENCH_BASE=<commit> for another baseline).
 */
const BASE = process.env.BENCH_BASE ?? '18951f6';
const ROUNDS = 7;
type Validate = typeof current;
interface Tree {
  readonly validate: Validate;
  /** The node's WebCrypto verifier of that tree (the hardened one applies the acceptance rule first). */
  readonly verifier: () => current.SignatureVerifier;
}

async function baseline(): Promise<Tree> {
  const root = resolve(import.meta.dirname, '../..');
  const dir = join(tmpdir(), `aura-bench-base-${BASE}`);
  if (!existsSync(join(dir, 'src'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['-C', root, 'archive', BASE, 'src'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    // ES modules, as in the repository: the dependencies resolve through their `import` conditions.
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  }
  const validate = (await import(join(dir, 'src/core/facts/validate.ts'))) as Validate;
  const node = (await import(join(dir, 'src/node/webcrypto-verify.ts'))) as typeof currentNode;
  return { validate, verifier: () => node.webCryptoVerifier(webcrypto.subtle as SubtleCrypto) };
}

async function rate(run: () => Promise<void> | void, n: number): Promise<number> {
  const t = performance.now();
  await run();
  return (n / (performance.now() - t)) * 1000;
}

async function main(): Promise<void> {
  const base = await baseline();
  const now: Tree = { validate: current, verifier: () => currentNode.webCryptoVerifier(webcrypto.subtle as SubtleCrypto) };
  const { authority, context } = mixedFacts(3000, 11);
  const sample = [...authority, ...context].map((f) => f.bytes);
  const paths: [string, (t: Tree) => () => Promise<void> | void][] = [
    ['inspect', ({ validate }) => () => sample.forEach((b) => validate.inspectFact(b))],
    ['noble', ({ validate }) => () => sample.forEach((b) => validate.validateFact(b))],
    [
      'webcrypto',
      ({ validate, verifier }) => {
        const verify = verifier();
        return async () => void (await Promise.all(sample.map((b) => validate.validateFactWith(b, verify))));
      },
    ],
  ];
  for (const [name, make] of paths) {
    const runs = { base: [] as number[], now: [] as number[] };
    const b = make(base);
    const c = make(now);
    await b();
    await c();
    for (let r = 0; r < ROUNDS; r++) {
      runs.base.push(await rate(b, sample.length));
      runs.now.push(await rate(c, sample.length));
    }
    const [rb, rc] = [median(runs.base), median(runs.now)];
    report(`validate.${name}.baseline`, rb, 'facts/s');
    report(`validate.${name}.hardened`, rc, 'facts/s');
    report(`validate.${name}.ratio`, rc / rb, 'x');
  }
}

await main();
