import type { LabView } from '../../node/lab/lab-types.ts';
import { formatTime } from '../format.ts';

/** Green with "since when" once every live tab holds the same facts in every context they share; else which differ. */
export function ConvergenceStatus({ view }: { readonly view: LabView }) {
  const names = new Map(view.tabs.flatMap((t) => t.contexts.map((c) => [c.context, c.name ?? c.context] as const)));
  return (
    <p className={view.converged ? 'lab-converged lab-ok' : 'lab-converged lab-bad'} data-testid="lab-convergence" data-converged={view.converged} role="status">
      {view.converged
        ? `● ${view.tabs.length} tab${view.tabs.length === 1 ? '' : 's'} converged${view.since !== null ? ` since ${formatTime(view.since)}` : ''}`
        : `○ Not converged: ${view.diverged.map((c) => names.get(c) ?? c).join(', ')} differ${view.diverged.length === 1 ? 's' : ''}`}
    </p>
  );
}
