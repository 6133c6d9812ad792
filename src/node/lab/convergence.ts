import type { LabContext } from './lab-types.ts';

export interface Convergence {
  /** Every tab holds the same fact ids in every context two or more tabs hold. */
  readonly converged: boolean;
  /** The contexts where two tabs holding it differ, sorted. */
  readonly diverged: readonly string[];
}

/**
 * Exact convergence of the tabs' reports: per context held by at least two tabs, their digests of the sorted
 * fact ids must be equal (equal counts are not enough: two tabs can hold as many different facts). A context
 * only one tab holds has nothing to converge with.
 */
export function convergence(tabs: readonly { readonly contexts: readonly LabContext[] }[]): Convergence {
  const digests = new Map<string, Set<string>>();
  for (const t of tabs) {
    for (const c of t.contexts) {
      let d = digests.get(c.context);
      if (!d) digests.set(c.context, (d = new Set()));
      d.add(c.digest);
    }
  }
  const diverged = [...digests].filter(([, d]) => d.size > 1).map(([c]) => c).sort();
  return { converged: diverged.length === 0, diverged };
}

/** Since when the tabs have been converged: kept while they stay so, set at `now` when they become so, else null. */
export function convergedSince(previous: number | null, converged: boolean, now: number): number | null {
  if (!converged) return null;
  return previous ?? now;
}
