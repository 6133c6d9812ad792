import { compareNumbers, compareStrings } from '../compare.ts';
import type { ConsensusId } from '../ids.ts';

/** Evidence for A2: a certificate naming the witnesses that saw the same state. */
export interface ConvergenceCert {
  readonly certId: string;
  readonly witnesses: readonly string[];
}

/** How settled a fact is (A1 Provisional < A2 SoftSafe < A3 Finalized). */
export type Agreement =
  | { readonly level: 'Provisional' }
  | { readonly level: 'SoftSafe'; readonly cert: ConvergenceCert | null }
  | { readonly level: 'Finalized'; readonly consensusId: ConsensusId };

export const PROVISIONAL: Agreement = { level: 'Provisional' };

const RANK = { Provisional: 0, SoftSafe: 1, Finalized: 2 } as const;

export function isFinalized(a: Agreement): a is Extract<Agreement, { level: 'Finalized' }> {
  return a.level === 'Finalized';
}

/** True for A2 or A3. */
export function isSafe(a: Agreement): boolean {
  return a.level !== 'Provisional';
}

/** Lattice join: the higher level wins; at equal level the larger evidence id wins, so the join is total and deterministic. */
export function joinAgreement(a: Agreement, b: Agreement): Agreement {
  const d = RANK[a.level] - RANK[b.level];
  if (d !== 0) return d > 0 ? a : b;
  if (a.level === 'Finalized' && b.level === 'Finalized') return compareStrings(a.consensusId, b.consensusId) >= 0 ? a : b;
  if (a.level === 'SoftSafe' && b.level === 'SoftSafe') {
    if (a.cert === null) return b;
    if (b.cert === null) return a;
    return compareCerts(a.cert, b.cert) >= 0 ? a : b;
  }
  return a;
}

/** Total order on certificates: by id, then by witness list, so two certs that differ anywhere never tie. */
function compareCerts(a: ConvergenceCert, b: ConvergenceCert): number {
  const byId = compareStrings(a.certId, b.certId);
  if (byId !== 0) return byId;
  const n = Math.min(a.witnesses.length, b.witnesses.length);
  for (let i = 0; i < n; i++) {
    const d = compareStrings(a.witnesses[i]!, b.witnesses[i]!);
    if (d !== 0) return d;
  }
  return compareNumbers(a.witnesses.length, b.witnesses.length);
}
